package org.stedi.lakehouse.bench;

import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The five tables of the contract's section 3 as plain SQL, the way a data engineer writes them by hand for
 * Spark SQL or DuckDB: the baselines the benchmark holds the lakehouse against. Both baselines run
 * the same statements; only identifier quoting differs ({@code user} and {@code timestamp} are
 * keywords in both dialects).
 *
 * <p>The statements expect three views of the landing data ({@code customer_landing}, {@code
 * accelerometer_landing}, {@code step_trainer_landing}) and define each relation of {@link Table}
 * from the previous ones, in its order. Besides the five tables there is one relation that is not
 * written: {@code device_owners}, each device's owner by the readings (the contract's section 7), which the
 * two step trainer tables read. They implement the default options (ownership by the readings, no
 * consent-since-date, pairing on owner and time) and do no quarantine: the benchmark's data has no
 * malformed lines, so every landing row is a valid reading.
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

  /** The views of the landing data that the statements read. */
  static final List<String> LANDING_VIEWS = List.of("customer_landing", "accelerometer_landing", "step_trainer_landing");

  /**
   * The relations in the order they are computed: the five tables, which are written, and {@code
   * device_owners}, which is not; each table names its partition column's source, if any, and the
   * relations (landing views or earlier tables) that its statement reads.
   */
  enum Table {
    CUSTOMER_TRUSTED("customer_trusted", null, true, "customer_landing"),
    ACCELEROMETER_TRUSTED("accelerometer_trusted", "timestamp", true, "accelerometer_landing", "customer_trusted"),
    CUSTOMERS_CURATED("customers_curated", null, true, "customer_trusted", "accelerometer_trusted"),
    DEVICE_OWNERS("device_owners", null, false, "step_trainer_landing", "accelerometer_landing"),
    STEP_TRAINER_TRUSTED(
        "step_trainer_trusted", "sensorReadingTime", true, "step_trainer_landing", "device_owners", "customers_curated"),
    MACHINE_LEARNING_CURATED(
        "machine_learning_curated", "sensorReadingTime", true, "step_trainer_trusted", "device_owners", "accelerometer_trusted");

    final String tableName;
    final String dayColumn;
    final boolean written;
    final List<String> reads;

    Table(String tableName, String dayColumn, boolean written, String... reads) {
      this.tableName = tableName;
      this.dayColumn = dayColumn;
      this.written = written;
      this.reads = List.of(reads);
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
        // the contract's section 7. A device's reading times are its distinct sensorReadingTime values; a
        // user's evidence is the number of them at which the user's phone (any valid reading,
        // consent or not) recorded. The owner is the user with the most evidence, when that is more
        // than half the reading times and more than the runner-up's; other devices have no owner.
      case DEVICE_OWNERS -> "WITH device_times AS (SELECT DISTINCT serialNumber, sensorReadingTime FROM step_trainer_landing), "
          + "reading_times AS (SELECT serialNumber, count(*) AS times FROM device_times GROUP BY serialNumber), "
          + "phone_times AS (SELECT DISTINCT lower(trim(" + q("user") + ")) AS phone_user, " + q("timestamp")
          + " FROM accelerometer_landing), "
          + "evidence AS (SELECT d.serialNumber, p.phone_user, count(*) AS matches FROM device_times d "
          + "JOIN phone_times p ON p." + q("timestamp") + " = d.sensorReadingTime GROUP BY d.serialNumber, p.phone_user), "
          + "ranked AS (SELECT serialNumber, phone_user, matches, "
          + "row_number() OVER (PARTITION BY serialNumber ORDER BY matches DESC, phone_user) AS place, "
          + "lead(matches, 1, 0) OVER (PARTITION BY serialNumber ORDER BY matches DESC, phone_user) AS runner_up "
          + "FROM evidence) "
          + "SELECT r.serialNumber, r.phone_user AS owner FROM ranked r "
          + "JOIN reading_times t ON t.serialNumber = r.serialNumber "
          + "WHERE r.place = 1 AND 2 * r.matches > t.times AND r.matches > r.runner_up";
      case STEP_TRAINER_TRUSTED -> "SELECT DISTINCT " + list(STEP_TRAINER_COLUMNS, "s.") + " FROM step_trainer_landing s "
          + "WHERE s.serialNumber IN (SELECT o.serialNumber FROM device_owners o "
          + "WHERE o.owner IN (SELECT lower(trim(email)) FROM customers_curated))";
      case MACHINE_LEARNING_CURATED -> "SELECT s.sensorReadingTime, s.serialNumber, s.distanceFromObject, a.x, a.y, a.z "
          + "FROM step_trainer_trusted s "
          + "JOIN device_owners o ON o.serialNumber = s.serialNumber "
          + "JOIN accelerometer_trusted a ON a." + q("timestamp") + " = s.sensorReadingTime "
          + "AND lower(trim(a." + q("user") + ")) = o.owner";
    };
  }

  String q(String identifier) {
    return quote.apply(identifier);
  }

  String list(List<String> columns, String prefix) {
    return columns.stream().map(c -> prefix + q(c)).collect(Collectors.joining(", "));
  }
}
