package org.stedi.lakehouse.pipelines;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real S3 API server (S3Proxy on its file-system back end) in a separate process on 127.0.0.1:
 * a bucket is a folder of {@link #root()} and an object a file, so tests seed landing data as plain
 * files and read tables back from disk.
 */
public final class S3ProxyServer implements AutoCloseable {
  static final String IDENTITY = "lake-test-identity";
  static final String CREDENTIAL = "lake-test-secret-credential";

  private final Path root;
  private final int port;
  private final Process process;

  private S3ProxyServer(Path root, int port, Process process) {
    this.root = root;
    this.port = port;
    this.process = process;
  }

  /** Starts the server on a free port and waits until it answers. */
  public static S3ProxyServer start(Path root) throws Exception {
    Path jar = Path.of("target", "s3proxy", "s3proxy.jar").toAbsolutePath();
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: the build copies it at process-test-resources");
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path properties = Files.createTempFile("s3proxy", ".properties");
    Files.write(
        properties,
        List.of(
            "s3proxy.endpoint=http://127.0.0.1:" + port,
            "s3proxy.authorization=aws-v2-or-v4",
            "s3proxy.identity=" + IDENTITY,
            "s3proxy.credential=" + CREDENTIAL,
            "s3proxy.ignore-unknown-headers=true",
            "jclouds.provider=filesystem",
            "jclouds.filesystem.basedir=" + root.toAbsolutePath(),
            "jclouds.identity=" + IDENTITY,
            "jclouds.credential=" + CREDENTIAL),
        StandardCharsets.UTF_8);
    Path log = Files.createTempFile("s3proxy", ".log");
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-jar",
                jar.toString(),
                "--properties",
                properties.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    S3ProxyServer server = new S3ProxyServer(root, port, process);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!server.answers()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        server.close();
        throw new IllegalStateException("S3Proxy did not start:\n" + Files.readString(log));
      }
      // Between two attempts, wait for the process rather than the clock: a server that dies is seen at once.
      process.waitFor(100, TimeUnit.MILLISECONDS);
    }
    return server;
  }

  private boolean answers() {
    try {
      HttpURLConnection connection = (HttpURLConnection) URI.create(endpoint()).toURL().openConnection();
      connection.setConnectTimeout(500);
      connection.setReadTimeout(1000);
      int status = connection.getResponseCode();
      connection.disconnect();
      return status > 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** The folder holding the buckets. */
  Path root() {
    return root;
  }

  /** Creates a bucket (a folder) and returns its local path. */
  public Path bucket(String name) throws IOException {
    return Files.createDirectories(root.resolve(name));
  }

  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** The Beam options that reach this server with the given secret. */
  List<String> options(String secret) {
    return List.of(
        "--endpoint=" + endpoint(),
        "--awsRegion=us-east-1",
        "--awsCredentialsProvider={\"@type\":\"StaticCredentialsProvider\",\"accessKeyId\":\""
            + IDENTITY
            + "\",\"secretAccessKey\":\""
            + secret
            + "\"}");
  }

  public List<String> options() {
    return options(CREDENTIAL);
  }

  /** Stops the server, as a failure would. */
  void stop() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
  }
}
