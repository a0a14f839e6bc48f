package io.stacklens.exporter.file;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * Names, compresses and prunes the rotated files next to the current file {@code
 * <dir>/<stem>.<ext>}: {@code <stem>-<UTC yyyyMMdd'T'HHmmss.SSS>[-<n>].<ext>[.gz]}, where {@code
 * -<n>} only appears when two rotations fall in the same millisecond. Compression and pruning run
 * on the caller's background thread.
 */
final class BackupFiles {
  static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS").withZone(ZoneOffset.UTC);
  static final String GZ = ".gz";
  private static final String TMP = ".tmp";

  private final Path dir;
  private final String stem;

  /** {@code ".jsonl"}, or empty when the file name has no extension. */
  private final String ext;

  private final int maxBackups;
  private final boolean compress;
  private final Pattern backupName;

  BackupFiles(Path path, int maxBackups, boolean compress) {
    Path absolute = path.toAbsolutePath();
    this.dir = absolute.getParent();
    String name = absolute.getFileName().toString();
    int dot = name.lastIndexOf('.');
    this.stem = dot > 0 ? name.substring(0, dot) : name;
    this.ext = dot > 0 ? name.substring(dot) : "";
    this.maxBackups = maxBackups;
    this.compress = compress;
    this.backupName =
        Pattern.compile(
            Pattern.quote(stem)
                + "-(\\d{8}T\\d{6}\\.\\d{3})(?:-(\\d+))?"
                + Pattern.quote(ext)
                + "(\\.gz)?");
  }

  /** A name for a file rotated at {@code now} that no existing backup uses. */
  Path nextBackupName(Instant now) {
    String base = stem + "-" + TIMESTAMP.format(now);
    for (int n = 0; ; n++) {
      String name = base + (n == 0 ? "" : "-" + n) + ext;
      Path candidate = dir.resolve(name);
      if (!Files.exists(candidate) && !Files.exists(dir.resolve(name + GZ))) return candidate;
    }
  }

  /**
   * Gzips {@code backup} when compression is on, then deletes the oldest backups beyond {@code
   * max_backups}.
   */
  void processRotated(Path backup) throws IOException {
    if (compress && !backup.toString().endsWith(GZ)) gzip(backup);
    prune();
  }

  /**
   * Finishes work a previous run left behind: removes half-written {@code .gz.tmp} files,
   * compresses backups still uncompressed (when compression is on), prunes.
   */
  void recover() throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (name.endsWith(GZ + TMP)
            && backupName.matcher(name.substring(0, name.length() - TMP.length())).matches()) {
          Files.deleteIfExists(p);
        }
      }
    }
    if (compress) {
      for (Path p : list()) {
        if (!p.toString().endsWith(GZ)) gzip(p);
      }
    }
    prune();
  }

  /** Backups, oldest first. */
  List<Path> list() throws IOException {
    List<Backup> found = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        Matcher m = backupName.matcher(p.getFileName().toString());
        if (m.matches())
          found.add(
              new Backup(p, m.group(1), m.group(2) == null ? 0 : Integer.parseInt(m.group(2))));
      }
    }
    found.sort(Comparator.comparing(Backup::timestamp).thenComparingInt(Backup::sequence));
    List<Path> paths = new ArrayList<>(found.size());
    for (Backup b : found) paths.add(b.path());
    return paths;
  }

  void prune() throws IOException {
    if (maxBackups == 0) return;
    List<Path> all = list();
    for (int i = 0; i < all.size() - maxBackups; i++) Files.deleteIfExists(all.get(i));
  }

  /** Compresses to {@code <name>.gz.tmp}, renames it to {@code <name>.gz}, deletes the original. */
  static Path gzip(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + GZ + TMP);
    Path target = file.resolveSibling(file.getFileName() + GZ);
    try (InputStream in = Files.newInputStream(file);
        OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp), 64 * 1024)) {
      in.transferTo(out);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    Files.delete(file);
    return target;
  }

  private record Backup(Path path, String timestamp, int sequence) {}
}
