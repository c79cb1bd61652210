package org.stedi.lakehouse.pipelines;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real file systems for fault tests, made with {@code mount(8)}: a small tmpfs that can fill up,
 * and read-only mounts. Mounting needs root; where it is not permitted the calling test is skipped
 * (an assumption fails with the reason), never failed or passed silently.
 */
final class Mounts implements AutoCloseable {
  private final Deque<Path> mounted = new ArrayDeque<>();

  /** Mounts a tmpfs of {@code bytes} on {@code folder}, or skips the test if mounting is refused. */
  void tmpfs(Path folder, long bytes) throws Exception {
    Files.createDirectories(folder);
    String refused = mount("-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", folder.toString());
    Assumptions.assumeTrue(
        refused == null, "mounting a tmpfs is not permitted here (the fault tests need root): " + refused);
    mounted.push(folder);
  }

  /** Resizes the tmpfs on {@code folder} (it must hold less than {@code bytes} already). */
  void resize(Path folder, long bytes) throws Exception {
    check(mount("-o", "remount,size=" + bytes, folder.toString()));
  }

  /** Makes the file system mounted on {@code folder} read-only, or writable again. */
  void readOnly(Path folder, boolean readOnly) throws Exception {
    check(mount("-o", readOnly ? "remount,ro" : "remount,rw", folder.toString()));
  }

  /** Mounts {@code folder} read-only on itself (a read-only bind mount), or skips the test. */
  void readOnlyBind(Path folder) throws Exception {
    String refused = mount("--bind", folder.toString(), folder.toString());
    Assumptions.assumeTrue(refused == null, "bind mounts are not permitted here (the fault tests need root): " + refused);
    mounted.push(folder);
    check(mount("-o", "remount,bind,ro", folder.toString()));
  }

  /** Unmounts {@code folder}, which this object mounted. */
  void unmount(Path folder) throws Exception {
    check(run("umount", folder.toString()));
    mounted.remove(folder);
  }

  /** Bytes in use on the file system holding {@code path}. */
  static long used(Path path) throws IOException {
    var store = Files.getFileStore(path);
    return store.getTotalSpace() - store.getUnallocatedSpace();
  }

  /** Unmounts everything this object mounted, the last first. */
  @Override
  public void close() throws Exception {
    List<String> failures = new ArrayList<>();
    while (!mounted.isEmpty()) {
      Path folder = mounted.pop();
      String failed = run("umount", folder.toString());
      if (failed != null) {
        failed = run("umount", "-l", folder.toString());
      }
      if (failed != null) {
        failures.add(folder + ": " + failed);
      }
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("could not unmount " + failures);
    }
  }

  private static void check(String failure) {
    if (failure != null) {
      throw new IllegalStateException(failure);
    }
  }

  private static String mount(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add("mount");
    command.addAll(List.of(args));
    return run(command.toArray(String[]::new));
  }

  /** Runs a command; null if it succeeded, else what it printed. */
  private static String run(String... command) throws Exception {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return String.join(" ", command) + ": " + e.getMessage();
    }
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return String.join(" ", command) + " did not finish";
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    return process.exitValue() == 0 ? null : String.join(" ", command) + ": " + output;
  }
}
