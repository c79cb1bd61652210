package org.stedi.lakehouse.bench;

import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The five tables of SPEC section 3 as plain SQL, the way a data engineer writes them by hand for
 * Spark SQL or DuckDB: the baselines the benchmark holds the lakehouse against. Both baselines run
 * the same statements; only identifier quoting differs ({@code user} and {@code timestamp} are
 * keywords in both dialects).
 *
 * <p>The statements expect three views of the landing data ({@code customer_landing}, {@code
 * accelerometer_landing}, {@code step_trainer_landing}) and define each table from the previous
 * ones. They implement the default options (no consent-since-date, pairing on serial number and
 * time) and do no quarantine: the benchmark's data has no malformed lines.
 */
final class LakeSql {
  static final List<String> CUSTOMER_COLUMNS =
      List.of(
          "customerName",
          "email",
          "phone",
          "birthDay",
          "serialNumber",
          "registrationDate",
          "lastUpdateDate",
          "shareWithResearchAsOfDate",
          "shareWithPublicAsOfDate",
          "shareWithFriendsAsOfDate");
  static final List<String> ACCELEROMETER_COLUMNS = List.of("user", "timestamp", "x", "y", "z");
  static final List<String> STEP_TRAINER_COLUMNS = List.of("sensorReadingTime", "serialNumber", "distanceFromObject");

  /** A column's SQL type, given the dialect's name for strings (both spell the others alike). */
  static String type(String column, String stringType) {
    return switch (column) {
      case "x", "y", "z" -> "DOUBLE";
      case "registrationDate", "lastUpdateDate", "shareWithResearchAsOfDate", "shareWithPublicAsOfDate",
          "shareWithFriendsAsOfDate", "timestamp", "sensorReadingTime", "distanceFromObject" -> "BIGINT";
      default -> stringType;
    };
  }

  /** The tables in the order they are computed; each names its partition column's source, if any. */
  enum Table {
    CUSTOMER_TRUSTED("customer_trusted", null),
    ACCELEROMETER_TRUSTED("accelerometer_trusted", "timestamp"),
    CUSTOMERS_CURATED("customers_curated", null),
    STEP_TRAINER_TRUSTED("step_trainer_trusted", "sensorReadingTime"),
    MACHINE_LEARNING_CURATED("machine_learning_curated", "sensorReadingTime");

    final String tableName;
    final String dayColumn;

    Table(String tableName, String dayColumn) {
      this.tableName = tableName;
      this.dayColumn = dayColumn;
    }
  }

  private final UnaryOperator<String> quote;

  /** @param quote how the dialect quotes an identifier */
  LakeSql(UnaryOperator<String> quote) {
    this.quote = quote;
  }

  /** The SELECT that defines {@code table} from the landing views and the tables before it. */
  String select(Table table) {
    return switch (table) {
        // The current record per email: greatest lastUpdateDate; on a tie the record without
        // research consent first (privacy first), then any total order.
      case CUSTOMER_TRUSTED -> "SELECT " + list(CUSTOMER_COLUMNS, "") + " FROM (SELECT *, row_number() OVER ("
          + "PARTITION BY lower(trim(email)) ORDER BY lastUpdateDate DESC NULLS LAST, "
          + "shareWithResearchAsOfDate IS NOT NULL, " + list(CUSTOMER_COLUMNS, "") + ") AS recency "
          + "FROM customer_landing) current_records "
          + "WHERE recency = 1 AND shareWithResearchAsOfDate IS NOT NULL";
      case ACCELEROMETER_TRUSTED -> "SELECT DISTINCT " + list(ACCELEROMETER_COLUMNS, "a.") + " FROM accelerometer_landing a "
          + "WHERE lower(trim(a." + q("user") + ")) IN (SELECT lower(trim(email)) FROM customer_trusted)";
      case CUSTOMERS_CURATED -> "SELECT " + list(CUSTOMER_COLUMNS, "c.") + " FROM customer_trusted c "
          + "WHERE lower(trim(c.email)) IN (SELECT lower(trim(" + q("user") + ")) FROM accelerometer_trusted)";
      case STEP_TRAINER_TRUSTED -> "SELECT DISTINCT " + list(STEP_TRAINER_COLUMNS, "s.") + " FROM step_trainer_landing s "
          + "WHERE s.serialNumber IN (SELECT serialNumber FROM customers_curated)";
      case MACHINE_LEARNING_CURATED -> "SELECT s.sensorReadingTime, s.serialNumber, s.distanceFromObject, a.x, a.y, a.z "
          + "FROM step_trainer_trusted s "
          + "JOIN accelerometer_trusted a ON a." + q("timestamp") + " = s.sensorReadingTime "
          + "JOIN customers_curated c ON lower(trim(a." + q("user") + ")) = lower(trim(c.email)) "
          + "AND c.serialNumber = s.serialNumber";
    };
  }

  String q(String identifier) {
    return quote.apply(identifier);
  }

  String list(List<String> columns, String prefix) {
    return columns.stream().map(c -> prefix + q(c)).collect(Collectors.joining(", "));
  }
}
