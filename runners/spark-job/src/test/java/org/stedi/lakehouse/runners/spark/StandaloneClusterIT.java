package org.stedi.lakehouse.runners.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.runners.StediCommand;
import org.stedi.lakehouse.testing.JavaProcess;
import org.stedi.lakehouse.testing.RunnerParity;

/**
 * The failure that clusters really have, with real separate processes: a Spark standalone master
 * and worker on 127.0.0.1 (their classes ship in Spark's jars), the job jar submitted to them with
 * spark-submit's own classes as on EMR, and the executor killed with SIGKILL in the middle of the
 * run. Spark starts a new executor, computes the lost work again, and the run publishes the
 * DirectRunner's tables with a reconciled report.
 */
class StandaloneClusterIT {
  private static final Duration START = Duration.ofMinutes(2);
  private static final Duration RUN = Duration.ofMinutes(8);
  private static final Pattern RUNNING_TASK = Pattern.compile("Running task \\S+ in stage (\\d+)\\.");
  /** The stage from which the executor is killed: past the landing reads, inside the joins. */
  private static final int KILL_FROM_STAGE = 4;

  private final Path jar = Path.of(JavaProcess.buildProperty("stedi.jar"));
  private final Path cluster = Path.of(JavaProcess.buildProperty("stedi.clusterClasspath"));
  private final List<String> opens = List.of(JavaProcess.buildProperty("stedi.javaOpens").split("\\s+"));

  @Test
  void theExecutorKilledInTheMiddleOfTheRunIsReplacedAndTheRunPublishesTheSameTables(@TempDir Path dir)
      throws Exception {
    RunnerParity.Baseline direct = RunnerParity.directBaseline(StediCommand::execute);
    Path lake = dir.resolve("lake");
    RunnerParity.generate(lake);
    Path sparkHome = sparkHome(dir.resolve("spark-home"));
    Path work = Files.createDirectories(dir.resolve("work"));
    int masterPort = freePort();
    String master = "spark://127.0.0.1:" + masterPort;

    List<Process> started = new ArrayList<>();
    try {
      Process masterProcess =
          start(sparkHome, dir.resolve("master.log"), started,
              "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", String.valueOf(masterPort),
              "--webui-port", String.valueOf(freePort()));
      awaitLine(dir.resolve("master.log"), "I have been elected leader", START, masterProcess);
      Process worker =
          start(sparkHome, dir.resolve("worker.log"), started,
              "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "2", "--memory", "3g",
              "--work-dir", work.toString(), "--webui-port", String.valueOf(freePort()), master);
      awaitLine(dir.resolve("worker.log"), "Successfully registered with master", START, worker);

      Process submit =
          start(sparkHome, dir.resolve("submit.log"), started,
              "org.apache.spark.deploy.SparkSubmit", "--master", master, "--deploy-mode", "client",
              "--class", SparkJob.class.getName(),
              "--conf", "spark.driver.host=127.0.0.1",
              "--conf", "spark.executor.memory=1g",
              "--conf", "spark.cores.max=2",
              "--conf", "spark.executor.extraJavaOptions=" + String.join(" ", opens),
              jar.toString(), "lakehouse", "--lake=" + lake);

      ProcessHandle executor;
      try {
        executor = awaitExecutorRunningStage(worker, work, KILL_FROM_STAGE, submit);
      } catch (AssertionError e) {
        throw new AssertionError(
            e.getMessage() + "\n--- spark-submit ---\n" + tail(dir.resolve("submit.log")) + "\n--- worker ---\n"
                + tail(dir.resolve("worker.log")) + "\n--- executors ---\n"
                + executorLogs(work).stream().map(StandaloneClusterIT::tail).reduce("", String::concat),
            e);
      }
      executor.destroyForcibly(); // SIGKILL: no shutdown hook, no goodbye to the driver
      assertTrue(executor.onExit().get(1, TimeUnit.MINUTES) != null, "the executor was killed");

      assertTrue(submit.waitFor(RUN.toMinutes(), TimeUnit.MINUTES), "the run did not end within " + RUN);
      String output = Files.readString(dir.resolve("submit.log"), StandardCharsets.UTF_8);
      assertEquals(0, submit.exitValue(), output);
      assertTrue(executorsLaunched(work) >= 2, "the worker started no executor in place of the killed one\n" + output);
    } finally {
      for (Process process : started) {
        process.destroyForcibly();
      }
      for (Process process : started) {
        process.waitFor(1, TimeUnit.MINUTES);
      }
    }
    RunnerParity.assertSameTables(direct, lake, "a Spark standalone cluster that lost its executor");
    RunnerParity.assertPrivacyInvariants(lake, "a Spark standalone cluster that lost its executor");
    JsonNode report = onlyReport(lake);
    assertTrue(report.get("reconciled").asBoolean(), report.toPrettyString());
    for (JsonNode table : report.get("tables")) {
      String name = table.get("table").asText();
      assertEquals(
          direct.report().figure(name, "written"),
          table.get("written").asLong(),
          name + "\n" + report.toPrettyString());
    }
  }

  /**
   * A Spark installation as the master, the worker and the executors expect one: a RELEASE file and
   * jars/ holding what a Spark 3.5 distribution holds: Spark, Hadoop and their libraries (this test's
   * own classpath, less the project's modules, Beam, and the test libraries), and Spark's older
   * Parquet. The project's classes reach the executors only inside the job jar.
   */
  private Path sparkHome(Path home) throws IOException {
    Path jars = Files.createDirectories(home.resolve("jars"));
    Files.writeString(home.resolve("RELEASE"), "Spark 3.5 for the stedi-lakehouse tests\n");
    List<Path> entries = new ArrayList<>();
    try (Stream<Path> parquet = Files.list(cluster.resolve("parquet"))) {
      parquet.forEach(entries::add);
    }
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path file = Path.of(entry);
      String name = file.getFileName().toString();
      if (name.endsWith(".jar") && !NOT_IN_SPARK.matcher(name).find() && !entry.contains(File.separator + "target" + File.separator)) {
        entries.add(file);
      }
    }
    for (Path file : entries) {
      Path link = jars.resolve(file.getFileName());
      if (!Files.exists(link)) {
        Files.createSymbolicLink(link, file);
      }
    }
    return home;
  }

  /** Jars of this test's classpath that a Spark distribution does not hold. */
  private static final Pattern NOT_IN_SPARK =
      Pattern.compile(
          "^(stedi-|beam-|junit|opentest4j|apiguardian|hamcrest|duckdb|s3proxy|parquet-|byte-buddy|"
              + "flink-|google-|grpc-|protobuf-java-util|jcl-over-slf4j-2\\.0\\.17)");

  private Process start(Path sparkHome, Path log, List<Process> started, String mainClass, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(opens);
    command.add("-Xmx1g");
    command.add("-cp");
    command.add(sparkHome.resolve("jars") + File.separator + "*");
    command.add(mainClass);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("SPARK_HOME", sparkHome.toString());
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    // What Spark's own scripts (load-spark-env.sh) set, and the executor launcher needs to find jars/.
    builder.environment().put("SPARK_SCALA_VERSION", "2.12");
    Process process = builder.start();
    started.add(process);
    return process;
  }

  /** The executor process once its log shows it running a task of {@code stage} or later. */
  private static ProcessHandle awaitExecutorRunningStage(Process worker, Path work, int stage, Process submit)
      throws IOException {
    return await(
        "an executor running stage " + stage,
        RUN,
        submit,
        () -> {
          Optional<Path> stderr = executorLogs(work).stream().findFirst();
          if (stderr.isEmpty()) {
            return Optional.empty();
          }
          Matcher running = RUNNING_TASK.matcher(read(stderr.get()));
          boolean reached = false;
          while (running.find()) {
            reached |= Integer.parseInt(running.group(1)) >= stage;
          }
          if (!reached) {
            return Optional.empty();
          }
          return worker.toHandle().descendants()
              .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
              .findFirst();
        });
  }

  private static void awaitLine(Path log, String line, Duration deadline, Process process) throws IOException {
    try {
      await("'" + line + "' in " + log, deadline, process, () -> read(log).contains(line) ? Optional.of(true) : Optional.empty());
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + ":\n" + read(log), e);
    }
  }

  /**
   * Polls until {@code condition} gives a value, the process it depends on ends (a failure), or the
   * deadline passes (a failure).
   */
  private static <T> T await(String what, Duration deadline, Process process, Supplier<Optional<T>> condition) {
    Instant until = Instant.now().plus(deadline);
    while (Instant.now().isBefore(until)) {
      Optional<T> value = condition.get();
      if (value.isPresent()) {
        return value.get();
      }
      if (!process.isAlive()) {
        throw new AssertionError("the process ended (exit " + process.exitValue() + ") before " + what);
      }
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
    throw new AssertionError("no " + what + " within " + deadline);
  }

  private static List<Path> executorLogs(Path work) {
    try (Stream<Path> files = Files.walk(work)) {
      return files.filter(f -> f.getFileName().toString().equals("stderr")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long executorsLaunched(Path work) {
    return executorLogs(work).size();
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last lines of a log, for failure messages. */
  private static String tail(Path log) {
    List<String> lines = read(log).lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())) + "\n";
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static JsonNode onlyReport(Path lake) throws IOException {
    try (Stream<Path> reports = Files.list(lake.resolve("_reports"))) {
      List<Path> files = reports.filter(f -> f.toString().endsWith(".json")).toList();
      assertEquals(1, files.size(), files.toString());
      return new ObjectMapper().readTree(files.get(0).toFile());
    }
  }
}
