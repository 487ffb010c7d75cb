package io.highwater.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node given no auth key and a TLS certificate generated here: it serves HTTPS only, checks
 * tokens under a secret it generated, writes an admin development token that works, and keeps both
 * across a restart.
 */
class SecureByDefaultTest {

  @TempDir
  Path dir;

  @Test
  void aNodeWithNoKeyChecksTokensUnderItsOwnSecretAndServesTlsWhenAsked() throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
        "-days", "1", "-subj", "/CN=127.0.0.1");
    Map<String, String> env = new HashMap<>();
    env.put("HIGHWATER_AUTH", "jwt");
    env.put("HIGHWATER_HTTP_TLS_CERT_FILE", cert.toString());
    env.put("HIGHWATER_HTTP_TLS_KEY_FILE", key.toString());
    Path data = dir.resolve("data");
    TestNode node = TestNode.start(data, TestDatabase.fresh(), env);
    Vertx vertx = Vertx.vertx();
    try {
      Path devToken = data.resolve("dev-token");
      assertThat(devToken).exists();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(devToken))).isEqualTo("rw-------");
      String token = Files.readString(devToken).trim();
      assertThat(get(vertx, node, true, null).statusCode()).isEqualTo(401);
      HttpResponse<Buffer> ok = get(vertx, node, true, token);
      assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(200);
      assertThat(plainFails(vertx, node)).as("plain HTTP on the TLS port").isTrue();
      node = node.restart();
      assertThat(Files.readString(devToken).trim()).isNotEmpty();
      assertThat(get(vertx, node, true, token).statusCode()).as("the old token, under the same secret").isEqualTo(200);
    } finally {
      vertx.close().await();
      node.close();
    }
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as("%s: %s", String.join(" ", command), out).isZero();
  }

  private static boolean plainFails(Vertx vertx, TestNode node) {
    try {
      HttpResponse<Buffer> answer = WebClient.create(vertx, new WebClientOptions().setIdleTimeout(3))
          .get(node.httpPort(), "127.0.0.1", "/health/live").send().await();
      return answer.statusCode() != 200;
    } catch (RuntimeException e) {
      return true;
    }
  }

  private static HttpResponse<Buffer> get(Vertx vertx, TestNode node, boolean tls, String token) {
    WebClient client = WebClient.create(vertx, new WebClientOptions().setSsl(tls).setTrustAll(true).setVerifyHost(false));
    var request = client.get(node.httpPort(), "127.0.0.1", "/v1/cluster");
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    return request.send().await();
  }
}
