# The server image used by k8s/: build the jar first (mvn -B -DskipTests package).
FROM eclipse-temurin:17-jre
COPY verticles/target/highwater.jar /opt/highwater/highwater.jar
COPY conf /etc/highwater
ENV HIGHWATER_CONF_DIR=/etc/highwater
EXPOSE 8080 5701
ENTRYPOINT []
CMD ["java", "-jar", "/opt/highwater/highwater.jar"]
