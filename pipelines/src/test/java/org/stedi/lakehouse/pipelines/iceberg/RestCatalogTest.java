package org.stedi.lakehouse.pipelines.iceberg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stedi.lakehouse.testing.Stedi.SANTOSH;
import static org.stedi.lakehouse.testing.Stedi.SARAH;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_1;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_2;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.rest.RESTCatalogAdapter;
import org.apache.iceberg.rest.RESTCatalogServlet;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.LakeJobs;
import org.stedi.lakehouse.pipelines.TwoCustomers;
import org.stedi.lakehouse.pipelines.Lakehouse;
import org.stedi.lakehouse.pipelines.run.LakeRun;
import org.stedi.lakehouse.testing.DuckDb;

/**
 * The lake's Iceberg tables in a real Iceberg REST catalog ({@code --catalog=rest:URI}): Iceberg's
 * own REST catalog servlet and adapter (iceberg-core's test jar) over a JDBC catalog on a SQLite
 * file, served by Jetty on 127.0.0.1 in the test's JVM. Two lakehouse runs leave each of the five
 * tables in the namespace {@code stedi} with two snapshots, the current one naming the second run,
 * and a client that knows only the REST API finds there the data files that hold the rows the run
 * report says it wrote (read back by DuckDB). A {@code rest:} catalog that is not http(s) is refused.
 */
class RestCatalogTest {

  @TempDir Path lake;
  @TempDir Path catalogFolder;

  private RestCatalogServer server;

  @BeforeEach
  void startTheRestCatalog() throws Exception {
    server = RestCatalogServer.start(catalogFolder);
  }

  @AfterEach
  void stopTheRestCatalog() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  /**
   * Iceberg's REST catalog servlet on Jetty, bound to 127.0.0.1 on a port the system chooses. Its
   * back end is a JDBC catalog on one SQLite file whose files go through {@link BeamFileIO}, as the
   * lake's own catalogs do.
   */
  private static final class RestCatalogServer implements AutoCloseable {
    private final Server jetty;
    private final JdbcCatalog backend;

    private RestCatalogServer(Server jetty, JdbcCatalog backend) {
      this.jetty = jetty;
      this.backend = backend;
    }

    static RestCatalogServer start(Path folder) throws Exception {
      JdbcCatalog backend = new JdbcCatalog();
      backend.initialize(
          "rest_backend",
          Map.of(
              CatalogProperties.URI, "jdbc:sqlite:" + folder.resolve("rest-backend.db") + "?busy_timeout=30000",
              CatalogProperties.WAREHOUSE_LOCATION, folder.resolve("warehouse").toString(),
              CatalogProperties.FILE_IO_IMPL, BeamFileIO.class.getName(),
              "jdbc.schema-version", "V1"));
      ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
      context.addServlet(new ServletHolder(new RESTCatalogServlet(new RESTCatalogAdapter(backend))), "/*");
      Server jetty = new Server();
      ServerConnector connector = new ServerConnector(jetty);
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      jetty.addConnector(connector);
      jetty.setHandler(context);
      jetty.setStopTimeout(10_000);
      RestCatalogServer server = new RestCatalogServer(jetty, backend);
      try {
        jetty.start(); // returns once the connector listens
      } catch (Exception e) {
        server.close();
        throw e;
      }
      return server;
    }

    /** The catalog's URI, in the form Iceberg's REST catalog fixture serves at. */
    String uri() {
      return "http://127.0.0.1:" + ((ServerConnector) jetty.getConnectors()[0]).getLocalPort() + "/";
    }

    @Override
    public void close() throws Exception {
      try {
        jetty.stop(); // bounded by the stop timeout
      } finally {
        backend.close();
      }
    }
  }

  private void writeTwoCustomers() {
    TwoCustomers.write(lake);
  }

  private LakeRun.Result run() {
    LakeRun.Result result =
        Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake, "--tableFormat=iceberg", "--catalog=rest:" + server.uri()));
    assertTrue(result.report().reconciled(), result.report().toText());
    return result;
  }

  /** A REST client of the server of its own, as another engine would open it; each request has a deadline. */
  private RESTCatalog client() {
    RESTCatalog client = new RESTCatalog();
    client.initialize(
        "reader",
        Map.of(
            CatalogProperties.URI, server.uri(),
            CatalogProperties.FILE_IO_IMPL, BeamFileIO.class.getName(),
            "rest.client.connection-timeout-ms", "10000",
            "rest.client.socket-timeout-ms", "60000"));
    return client;
  }

  private static List<String> currentFiles(Table table) throws IOException {
    List<String> files = new ArrayList<>();
    try (var tasks = table.newScan().useSnapshot(table.currentSnapshot().snapshotId()).planFiles()) {
      tasks.forEach(task -> files.add(task.file().path().toString()));
    }
    return files;
  }

  private static String parquet(List<String> files) {
    return "read_parquet([" + String.join(", ", files.stream().map(f -> "'" + f.replace("'", "''") + "'").toList()) + "])";
  }

  /** The rows of the files, counted by DuckDB; 0 for no file. */
  private static long rows(List<String> files) throws SQLException {
    if (files.isEmpty()) {
      return 0;
    }
    try (DuckDb duck = new DuckDb()) {
      return duck.queryLong("SELECT count(*) FROM " + parquet(files));
    }
  }

  /** One column of the rows of the files, lower-cased and sorted, read by DuckDB. */
  private static List<String> column(List<String> files, String column) throws SQLException {
    try (DuckDb duck = new DuckDb()) {
      return duck.rows("SELECT lower(" + column + ") FROM " + parquet(files) + " ORDER BY 1").stream()
          .map(row -> row.get(0))
          .toList();
    }
  }

  @Test
  void twoRunsLeaveTwoSnapshotsPerTableInTheRestCatalogWithTheRowsTheReportSaysTheyWrote() throws Exception {
    writeTwoCustomers();
    LakeRun.Result first = run();
    LakeRun.Result second = run();
    assertNotEquals(first.runId(), second.runId());
    assertEquals("rest:" + server.uri(), second.report().options().get("catalog"), "the report names the catalog");

    try (RESTCatalog client = client()) {
      Set<String> names =
          client.listTables(Namespace.of(LakeCatalog.NAME)).stream().map(TableIdentifier::name).collect(Collectors.toSet());
      assertEquals(
          Set.of("customer_trusted", "accelerometer_trusted", "customers_curated", "step_trainer_trusted", "machine_learning_curated"),
          names);
      for (LakeTable output : Lakehouse.JOB.outputs()) {
        Table table = client.loadTable(TableIdentifier.of(LakeCatalog.NAME, output.tableName()));
        List<Snapshot> snapshots = new ArrayList<>();
        table.snapshots().forEach(snapshots::add);
        assertEquals(2, snapshots.size(), output.tableName() + ": one snapshot per run");
        Snapshot current = table.currentSnapshot();
        assertEquals(second.runId(), current.summary().get(IcebergTables.RUN_ID), output.tableName());
        assertEquals(first.runId(), table.snapshot(current.parentId()).summary().get(IcebergTables.RUN_ID), output.tableName());
        assertEquals(lake.resolve(output.path()).toString(), table.location(), output.tableName());
        List<String> files = currentFiles(table);
        for (String file : files) {
          assertTrue(
              file.startsWith(lake.resolve(output.path()).resolve("data").resolve(second.runId()) + "/"),
              output.tableName() + ": " + file + " is not in the second run's data folder");
        }
        long written = second.report().table(output).written();
        assertEquals(written, rows(files), output.tableName() + ": the current snapshot's rows are the rows the run wrote");
        assertTrue(written > 0, output.tableName() + " is empty");
      }

      Table customers = client.loadTable(IcebergTables.identifier(LakeTable.CUSTOMER_TRUSTED));
      assertEquals(
          List.of(SANTOSH.toLowerCase(Locale.ROOT), SARAH.toLowerCase(Locale.ROOT)), column(currentFiles(customers), "email"));
      Table steps = client.loadTable(IcebergTables.identifier(LakeTable.STEP_TRAINER_TRUSTED));
      assertEquals(
          List.of(SERIAL_1.toLowerCase(Locale.ROOT), SERIAL_2.toLowerCase(Locale.ROOT)),
          column(currentFiles(steps), "serialNumber"));
    }
    assertTrue(Files.notExists(lake.resolve(LakeCatalog.EMBEDDED_FILE)), "the embedded catalog is not used");
  }

  @Test
  void aRestCatalogThatIsNotHttpIsRefused() {
    writeTwoCustomers();
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake, "--tableFormat=iceberg", "--catalog=rest:ftp://x")));
    assertTrue(error.getMessage().contains("needs an http:// or https:// URI"), error.getMessage());
    assertTrue(Files.notExists(lake.resolve("customer/trusted")), "nothing written");
  }
}
