# The server image used by k8s/: build the jar first (mvn -B -DskipTests package).
FROM eclipse-temurin:17-jre
COPY verticles/target/highwater.jar /opt/highwater/highwater.jar
COPY conf /etc/highwater
ENV HIGHWATER_CONF_DIR=/etc/highwater
EXPOSE 8080 5701 5702
# Not root; k8s/ also runs it with a read-only root file system and a writable /tmp.
USER 10001:10001
WORKDIR /tmp
ENTRYPOINT []
CMD ["java", "-jar", "/opt/highwater/highwater.jar"]
