package org.stedi.lakehouse.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the benchmark ran on, and the JVM flags every run gets. */
final class Machine {
  private Machine() {}

  /** CPU model and count, memory, OS and Java. */
  static String describe() {
    String cpu = firstValue(Path.of("/proc/cpuinfo"), "model name").orElse("unknown CPU");
    String memory =
        firstValue(Path.of("/proc/meminfo"), "MemTotal")
            .map(v -> String.format("%.1f GiB", Long.parseLong(v.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0))
            .orElse("unknown");
    return String.format(
        "%d cores (%s), %s memory, %s %s, Java %s (%s)",
        Runtime.getRuntime().availableProcessors(),
        cpu,
        memory,
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"));
  }

  /** The 1, 5 and 15 minute load averages now: how busy the machine was besides the benchmark. */
  static String loadAverage() {
    return read(Path.of("/proc/loadavg")).map(l -> String.join(" ", List.of(l.trim().split(" ")).subList(0, 3))).orElse("unknown");
  }

  /** The module opens Spark needs on Java 17 (harmless for the others); the same for every run. */
  static List<String> javaOpens() {
    List<String> packages =
        List.of(
            "java.base/java.lang",
            "java.base/java.lang.invoke",
            "java.base/java.lang.reflect",
            "java.base/java.io",
            "java.base/java.net",
            "java.base/java.nio",
            "java.base/java.util",
            "java.base/java.util.concurrent",
            "java.base/java.util.concurrent.atomic",
            "java.base/jdk.internal.ref",
            "java.base/sun.nio.ch",
            "java.base/sun.nio.cs",
            "java.base/sun.security.action",
            "java.base/sun.util.calendar",
            "java.security.jgss/sun.security.krb5");
    List<String> flags = new java.util.ArrayList<>();
    flags.add("-XX:+IgnoreUnrecognizedVMOptions");
    packages.forEach(p -> flags.add("--add-opens=" + p + "=ALL-UNNAMED"));
    flags.add("-Djdk.reflect.useDirectMethodHandle=false");
    return flags;
  }

  private static java.util.Optional<String> firstValue(Path file, String key) {
    try {
      return Files.readAllLines(file).stream()
          .filter(line -> line.startsWith(key))
          .map(line -> line.substring(line.indexOf(':') + 1).trim())
          .findFirst();
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }

  private static java.util.Optional<String> read(Path file) {
    try {
      return java.util.Optional.of(Files.readString(file));
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }
}
