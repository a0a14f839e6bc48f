package io.stacklens.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stacklens.agent.testing.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The container image as a container runtime would run it, on a machine where no container can be
 * started: the test image (Jib, on a Debian-built Java 17 base, made by this module's build) is
 * unpacked layer by layer into a root file system, and its entrypoint runs there as its user, in a
 * new PID namespace ({@code unshare --pid --fork --mount-proc}, {@code chroot --userspec}), with
 * the host's network. It must take OTLP on its ports, write the file, answer {@code /health} 200
 * and exit 0 on SIGTERM.
 */
class ContainerImageTest {
  private static final Path IMAGE = Path.of("target", "stacklens-agent-image-test.tar");
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Path root;
  private static JsonNode config;

  @BeforeAll
  static void unpack() throws Exception {
    assertThat(IMAGE)
        .as("the test image (built by this module's jib test-image execution)")
        .exists();
    Path work = Files.createTempDirectory(Path.of("target"), "image-");
    run(List.of("tar", "-xf", IMAGE.toString(), "-C", work.toString()));
    JsonNode index = JSON.readTree(work.resolve("index.json").toFile());
    JsonNode manifest = blob(work, index.get("manifests").get(0).get("digest").asText());
    config = blob(work, manifest.get("config").get("digest").asText());
    root = Files.createDirectories(work.resolve("rootfs"));
    for (JsonNode layer : manifest.get("layers")) {
      Path file = blobPath(work, layer.get("digest").asText());
      String media = layer.get("mediaType").asText();
      run(
          List.of(
              "tar",
              media.endsWith("gzip") ? "-xzf" : "-xf",
              file.toString(),
              "-C",
              root.toString()));
    }
  }

  @AfterAll
  static void removeRoot() throws Exception {
    if (root != null) run(List.of("rm", "-rf", root.getParent().toString()));
  }

  @Test
  void theImageIsConfiguredForAContainerRuntime() {
    JsonNode c = config.get("config");
    assertThat(c.get("User").asText()).isEqualTo("10001:10001");
    assertThat(c.get("Entrypoint"))
        .extracting(JsonNode::asText)
        .containsExactly(
            "/opt/stacklens/bin/stacklens-agent", "run", "--config", "/etc/stacklens/agent.yaml");
    assertThat(c.get("ExposedPorts").fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder("4317/tcp", "4318/tcp", "8888/tcp");
    assertThat(c.get("Volumes").fieldNames()).toIterable().containsExactly("/var/lib/stacklens");
    assertThat(c.get("WorkingDir").asText()).isEqualTo("/var/lib/stacklens");
    assertThat(root.resolve("opt/stacklens/bin/stacklens-agent")).isExecutable();
    assertThat(root.resolve("opt/stacklens/lib"))
        .isDirectoryContaining("glob:**/stacklens-cli-*.jar");
    assertThat(root.resolve("etc/stacklens/agent.yaml")).content().contains("0.0.0.0:4317");
  }

  @Test
  void theEntrypointTakesOtlpWritesTheFileAnswersHealthAndExitsCleanlyOnSigterm() throws Exception {
    int grpc = Ports.free();
    int http = Ports.free();
    int admin = Ports.free();
    List<String> command =
        new ArrayList<>(
            List.of(
                "unshare",
                "--pid",
                "--fork",
                "--mount",
                "--mount-proc=" + root.resolve("proc"),
                "chroot",
                "--userspec=10001:10001",
                root.toString(),
                "/usr/bin/env",
                "-i"));
    for (JsonNode env : config.get("config").path("Env")) command.add(env.asText());
    command.add("HOME=/var/lib/stacklens");
    command.add("STACKLENS_OTLP_GRPC_ENDPOINT=0.0.0.0:" + grpc);
    command.add("STACKLENS_OTLP_HTTP_ENDPOINT=0.0.0.0:" + http);
    command.add("STACKLENS_ADMIN_ENDPOINT=0.0.0.0:" + admin);
    command.add("/bin/sh");
    command.add("-c");
    command.add("cd \"$0\" && exec \"$@\"");
    command.add(config.get("config").get("WorkingDir").asText());
    for (JsonNode arg : config.get("config").get("Entrypoint")) command.add(arg.asText());

    Path log = root.getParent().resolve("agent.log");
    Process container =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .failFast("the container exited: " + tail(log), () -> !container.isAlive())
          .until(() -> status(client, "http://127.0.0.1:" + admin + "/health") == 200);

      String body =
          "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":{\"stringValue\":\"from-the-image\"}}]}]}]}";
      HttpResponse<String> posted =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/v1/logs"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .timeout(WAIT)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
      Path written = root.resolve("var/lib/stacklens/logs.jsonl");
      await()
          .atMost(WAIT)
          .until(
              () -> Files.exists(written) && Files.readString(written).contains("from-the-image"));
      assertThat(Files.getOwner(written).getName()).as("written as the image's user").isIn("10001");
    } finally {
      // SIGTERM to the agent: PID 1 of the container's namespace, the java the launcher exec'd.
      ProcessHandle java =
          container
              .toHandle()
              .descendants()
              .filter(p -> p.info().command().orElse("").endsWith("java"))
              .findFirst()
              .orElse(null);
      if (java != null) {
        run(List.of("kill", "-TERM", Long.toString(java.pid())));
      } else {
        container.destroy();
      }
      assertThat(container.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
    }
    assertThat(container.exitValue()).as("exit status; log:\n%s", tail(log)).isZero();
    assertThat(Files.readString(log)).contains("stopped");
  }

  private static int status(HttpClient client, String url) throws Exception {
    return client
        .send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static JsonNode blob(Path work, String digest) throws IOException {
    return JSON.readTree(blobPath(work, digest).toFile());
  }

  private static Path blobPath(Path work, String digest) {
    return work.resolve("blobs").resolve("sha256").resolve(digest.substring("sha256:".length()));
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static void run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    assertThat(p.exitValue()).as("%s: %s", command, output).isZero();
  }
}
