package io.stacklens.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start failures read as the setting, what went wrong in plain words, and what to do: no class
 * names.
 */
class StartExceptionTest {
  @TempDir Path dir;

  @Test
  void aFileThatCannotBeWrittenNamesThePathTheReasonAndWhatToDo() {
    Path file = Path.of("/var/log/stacklens/out.jsonl");
    StartException e =
        StartException.cannotWrite("path", file, new AccessDeniedException(file.toString()));
    assertThat(e.key()).isEqualTo("path");
    assertThat(e.getMessage())
        .isEqualTo(
            "cannot open /var/log/stacklens/out.jsonl for writing: permission denied; let the"
                + " agent's user write to /var/log/stacklens (under systemd: ReadWritePaths=), or set another path");
  }

  @Test
  void aDirectoryOfThePathThatIsAFileIsSaidSoWhateverTheUser() throws Exception {
    Path plain = Files.writeString(dir.resolve("plain"), "x");
    IOException real = openForWriting(plain.resolve("out.jsonl"));
    assertThat(StartException.cannotWrite("path", plain.resolve("out.jsonl"), real).getMessage())
        .isEqualTo(
            "cannot open "
                + plain.resolve("out.jsonl")
                + " for writing: "
                + plain
                + " is a file, not a directory;"
                + " set path to a file in a directory");
  }

  @Test
  void otherFileFailuresUseTheSystemsWords() {
    Path file = Path.of("/ro/out.jsonl");
    assertThat(
            StartException.cannotWrite(
                    "path",
                    file,
                    new FileSystemException("/ro/out.jsonl", null, "Read-only file system"))
                .getMessage())
        .isEqualTo(
            "cannot open /ro/out.jsonl for writing: read-only file system: /ro/out.jsonl; set path to a"
                + " writable place (under systemd: add it to ReadWritePaths=)");
    assertThat(
            StartException.cannotWrite("path", file, new NoSuchFileException("/ro")).getMessage())
        .isEqualTo(
            "cannot open /ro/out.jsonl for writing: no such file or directory: /ro; create the directory, or set"
                + " another path");
  }

  @Test
  void aPortInUseSaysWhichAndWhatToDo() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String endpoint = "127.0.0.1:" + taken.getLocalPort();
      BindException real;
      try (ServerSocket second = new ServerSocket()) {
        second.bind(taken.getLocalSocketAddress());
        throw new AssertionError("bound twice");
      } catch (BindException e) {
        real = e;
      }
      StartException e =
          StartException.cannotListen(
              "endpoint", endpoint, new IOException("admin: cannot listen", real));
      assertThat(e.getMessage())
          .isEqualTo(
              "cannot listen on "
                  + endpoint
                  + ": address already in use; stop what uses port "
                  + taken.getLocalPort()
                  + " (another agent?), or choose another port");
    }
  }

  @Test
  void listeningFailuresHaveAHintForEachCommonCause() {
    assertThat(
            StartException.cannotListen(
                    "endpoint",
                    "10.9.9.9:4317",
                    new BindException("Cannot assign requested address"))
                .getMessage())
        .isEqualTo(
            "cannot listen on 10.9.9.9:4317: the address is not one of this machine's; use an address"
                + " of this machine, 127.0.0.1, or 0.0.0.0 for every interface");
    assertThat(
            StartException.cannotListen(
                    "endpoint", "0.0.0.0:80", new BindException("Permission denied"))
                .getMessage())
        .endsWith(
            ": permission denied; ports below 1024 need privileges the agent does not have: choose a port from 1024 up");
    assertThat(
            StartException.cannotListen(
                    "endpoint",
                    "nohost.invalid:4317",
                    new java.net.UnknownHostException("nohost.invalid"))
                .getMessage())
        .isEqualTo(
            "cannot listen on nohost.invalid:4317: unknown host 'nohost.invalid'; use an IP address or a"
                + " host name this machine resolves");
  }

  @Test
  void errorTextDropsExceptionClassNames() {
    assertThat(
            ErrorText.message(
                new IOException(
                    "cannot open 'x': java.nio.file.FileAlreadyExistsException: /etc/hostname")))
        .isEqualTo("cannot open 'x': /etc/hostname");
    assertThat(ErrorText.message(new RuntimeException(new IllegalStateException("broken"))))
        .isEqualTo("broken");
    assertThat(ErrorText.message(new NullPointerException()))
        .doesNotContain("Exception")
        .isNotBlank();
    assertThat(ErrorText.reason(new IOException("wrapped", new AccessDeniedException("/x"))))
        .isEqualTo("permission denied");
  }

  private static IOException openForWriting(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.newOutputStream(file).close();
      throw new AssertionError("could write " + file);
    } catch (IOException e) {
      return e;
    }
  }
}
