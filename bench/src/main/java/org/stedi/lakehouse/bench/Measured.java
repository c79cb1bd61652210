package org.stedi.lakehouse.bench;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * Runs another program's {@code main} in this JVM and, when the JVM exits (normally, through
 * {@code System.exit} or on an uncaught error), writes what the whole process used to the file
 * named by the system property {@value #FIGURES_PROPERTY}: {@code cpuMillis=... peakRssKiB=...}.
 *
 * <p>CPU time is the process's user plus system time over all its threads; peak memory is the
 * kernel's high-water mark of resident memory ({@code VmHWM}), which counts the Java heap, off-heap
 * buffers and native libraries (DuckDB's memory is native) alike. Linux only.
 *
 * <pre>{@code
 * java -Dstedi.bench.figures=run.txt -cp ... org.stedi.lakehouse.bench.Measured com.example.Main arg1 arg2
 * }</pre>
 */
public final class Measured {
  /** The system property naming the file the figures are written to. */
  public static final String FIGURES_PROPERTY = "stedi.bench.figures";

  private Measured() {}

  public static void main(String[] args) throws Throwable {
    if (args.length == 0) {
      System.err.println("usage: Measured MAIN_CLASS [ARGS...]");
      System.exit(2);
    }
    String figures = System.getProperty(FIGURES_PROPERTY);
    if (figures == null) {
      System.err.println("Measured: set -D" + FIGURES_PROPERTY + "=FILE");
      System.exit(2);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> writeFigures(Path.of(figures)), "measured-figures"));
    Method main = Class.forName(args[0]).getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (InvocationTargetException e) {
      e.getCause().printStackTrace();
      System.exit(1);
    }
    // Some programs leave non-daemon threads behind (thread pools of embedded clusters).
    System.exit(0);
  }

  private static void writeFigures(Path file) {
    long cpuMillis =
        ProcessHandle.current().info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
    try {
      Files.writeString(file, "cpuMillis=" + cpuMillis + " peakRssKiB=" + peakRssKiB() + "\n");
    } catch (IOException e) {
      System.err.println("Measured: cannot write " + file + ": " + e);
    }
  }

  private static long peakRssKiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // reported as unknown below
    }
    return -1;
  }
}
