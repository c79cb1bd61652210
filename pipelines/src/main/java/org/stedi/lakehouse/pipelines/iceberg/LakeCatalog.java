package org.stedi.lakehouse.pipelines.iceberg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.rest.RESTCatalog;
import org.stedi.lakehouse.pipelines.run.Lake;

/**
 * Which Iceberg catalog holds a lake's tables, from {@code --catalog}:
 *
 * <ul>
 *   <li>unset on a local lake: the embedded catalog, a JDBC catalog on one SQLite file, {@code
 *       <lake>/_catalog/iceberg.db} (no server; hidden from the lake's readers by its {@code _});
 *   <li>{@code glue}: the AWS Glue Data Catalog of the run's account and region (what Athena, Glue 5
 *       and EMR read);
 *   <li>{@code rest:URI}: an Iceberg REST catalog ({@code rest:https://host/catalog});
 *   <li>{@code jdbc:...}: a JDBC catalog at that JDBC URL ({@code
 *       jdbc:postgresql://host/db?user=u&password=p}; the driver on the classpath).
 * </ul>
 *
 * Every catalog is named {@code stedi}, its tables are in the namespace {@code stedi} under SPEC's
 * table names, each located at its folder of the lake, and every file is read and written through
 * {@link BeamFileIO}.
 */
public record LakeCatalog(String kind, String uri, String warehouse) {
  /** The catalog's name, and the namespace of the lake's tables. */
  public static final String NAME = "stedi";

  /** Where the embedded catalog of a local lake is, under the lake root. */
  public static final String EMBEDDED_FILE = "_catalog/iceberg.db";

  /** What {@code --catalog} takes, for error messages. */
  public static final String FORMS = "glue, rest:URI or jdbc:URL (a local lake's default: its embedded SQLite catalog)";

  /**
   * The catalog of a lake from {@code --catalog} (null or blank: the lake's default).
   *
   * @throws IllegalArgumentException when the value is none of the forms, or an s3:// lake has no
   *     catalog
   */
  public static LakeCatalog of(Lake lake, String spec) {
    if (spec == null || spec.isBlank()) {
      if (!lake.isLocal()) {
        throw new IllegalArgumentException(
            "--tableFormat=iceberg on an s3:// lake needs --catalog: " + FORMS.replace(" (a local", " (only a local"));
      }
      return new LakeCatalog("sqlite", "jdbc:sqlite:" + lake.localRoot().resolve(EMBEDDED_FILE), lake.root());
    }
    if (spec.equals("glue")) {
      return new LakeCatalog("glue", null, lake.root());
    }
    if (spec.startsWith("rest:")) {
      String uri = spec.substring("rest:".length());
      if (!uri.startsWith("http://") && !uri.startsWith("https://")) {
        throw new IllegalArgumentException("--catalog=rest:URI needs an http:// or https:// URI, got " + spec);
      }
      return new LakeCatalog("rest", uri, lake.root());
    }
    if (spec.startsWith("jdbc:")) {
      return new LakeCatalog("jdbc", spec, lake.root());
    }
    throw new IllegalArgumentException("--catalog takes " + FORMS + ", not " + spec);
  }

  /** Whether this is a local lake's embedded SQLite catalog. */
  public boolean isEmbedded() {
    return kind.equals("sqlite");
  }

  /** The catalog as the run report and the tools name it: {@code sqlite:_catalog/iceberg.db}, {@code glue}, .... */
  public String describe() {
    return switch (kind) {
      case "sqlite" -> "embedded (" + EMBEDDED_FILE + ")";
      case "glue" -> "glue";
      case "rest" -> "rest:" + uri;
      default -> "jdbc:" + redactedJdbc();
    };
  }

  private String redactedJdbc() {
    return uri.substring("jdbc:".length()).replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  /** Opens the catalog; the caller closes it (a catalog that is not closeable is returned as it is). */
  public Catalog open() {
    return open(null);
  }

  /** Opens the catalog, the Glue catalog's client in {@code awsRegion} when given. */
  public Catalog open(String awsRegion) {
    Map<String, String> properties = new HashMap<>();
    if (awsRegion != null && kind.equals("glue")) {
      properties.put("client.region", awsRegion);
    }
    properties.put(CatalogProperties.WAREHOUSE_LOCATION, warehouse);
    properties.put(CatalogProperties.FILE_IO_IMPL, BeamFileIO.class.getName());
    switch (kind) {
      case "sqlite" -> {
        try {
          Files.createDirectories(java.nio.file.Path.of(uri.substring("jdbc:sqlite:".length())).getParent());
        } catch (IOException e) {
          throw new UncheckedIOException("cannot create the catalog folder of " + uri + ": " + e.getMessage(), e);
        }
        // One committer at a time (the lake's lock); WAL lets readers in while it commits.
        return jdbc(properties, uri + "?journal_mode=WAL&busy_timeout=30000");
      }
      case "jdbc" -> {
        return jdbc(properties, uri);
      }
      case "rest" -> {
        properties.put(CatalogProperties.URI, uri);
        // A catalog that does not answer fails the run rather than stalling it.
        properties.put("rest.client.connection-timeout-ms", "10000");
        properties.put("rest.client.socket-timeout-ms", "60000");
        RESTCatalog catalog = new RESTCatalog();
        catalog.initialize(NAME, properties);
        return catalog;
      }
      case "glue" -> {
        return CatalogUtil.loadCatalog("org.apache.iceberg.aws.glue.GlueCatalog", NAME, properties, null);
      }
      default -> throw new IllegalStateException("unknown catalog kind " + kind);
    }
  }

  private static Catalog jdbc(Map<String, String> properties, String jdbcUri) {
    properties.put(CatalogProperties.URI, jdbcUri);
    properties.put("jdbc.schema-version", "V1");
    JdbcCatalog catalog = new JdbcCatalog();
    catalog.initialize(NAME, properties);
    return catalog;
  }
}
