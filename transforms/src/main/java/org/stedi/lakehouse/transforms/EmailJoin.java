package org.stedi.lakehouse.transforms;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.SetCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.join.RawUnionValue;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.Customer;

/**
 * The two semi-joins of customers and accelerometer readings on the normalised email (trimmed,
 * lower-cased: {@link Customer#normalizeEmail}); neither adds a column of the other side.
 *
 * <ul>
 *   <li>{@link #readingsOf}: the readings whose {@code user} is one of the given customers'
 *       emails, each distinct reading once (accelerometer_trusted).
 *   <li>{@link #customersWithReadings}: the customers that have at least one of the given readings,
 *       each input customer once however many readings it has (customers_curated).
 * </ul>
 *
 * <p>For data that has no {@link Customer} records, each has a form that takes only the email:
 * {@link #readingsOfEmails} takes research consent dates keyed by email, {@link
 * #emailsWithReadings} keeps elements of any type keyed by email. They share the code, behaviour and
 * counters of the customer forms.
 *
 * <pre>{@code
 * PCollection<Customer> trusted = customers.apply("KeepConsenting", ConsentFilter.create());
 * PCollection<AccelerometerReading> trustedReadings =
 *     readings.apply("KeepReadingsOfTrustedCustomers", EmailJoin.readingsOf(trusted));
 * PCollection<Customer> curated =
 *     trusted.apply("KeepCustomersWithReadings", EmailJoin.customersWithReadings(trustedReadings));
 * }</pre>
 *
 * <p><b>Batch only:</b> every input, the one given at construction too, must be bounded; {@code
 * expand} throws an {@link IllegalArgumentException} naming an unbounded one. (Unless {@code
 * --buckets} fixes their number, the buckets are sized from the whole input, see {@link
 * GroupingOptions}; the side inputs are whole collections.)
 */
public final class EmailJoin {

  /** Counter of {@link #readingsOf} and {@link #readingsOfEmails}: the input readings. */
  public static final String READINGS = "readings";

  /**
   * Counter of {@link #readingsOf} and {@link #readingsOfEmails}: the readings dropped because their
   * user is none of the given customers or emails.
   */
  public static final String READINGS_OF_UNKNOWN_USERS = "readingsOfUnknownUsers";

  /**
   * Counter of {@link #readingsOf} and {@link #readingsOfEmails}: the readings dropped because they
   * were taken before their user's research consent date (only with {@link
   * TrustedReadings#withConsentSinceDate}).
   */
  public static final String READINGS_BEFORE_CONSENT = "readingsBeforeConsent";

  /**
   * Counter of {@link #readingsOf} and {@link #readingsOfEmails}: the exact copies dropped beyond the
   * first of each kept reading.
   */
  public static final String DUPLICATE_READINGS = "duplicateReadings";

  /**
   * Counter of {@link #readingsOf} and {@link #readingsOfEmails}: the readings emitted, each distinct
   * kept reading once.
   */
  public static final String READINGS_KEPT = "readingsKept";

  /** Counter of {@link #customersWithReadings} and {@link #emailsWithReadings}: the input elements. */
  public static final String CUSTOMERS = "customers";

  /**
   * Counter of {@link #customersWithReadings} and {@link #emailsWithReadings}: the elements emitted,
   * whose email has at least one reading.
   */
  public static final String CUSTOMERS_WITH_READINGS = "customersWithReadings";

  /**
   * Counter of {@link #customersWithReadings} and {@link #emailsWithReadings}: the elements dropped
   * for want of a reading.
   */
  public static final String CUSTOMERS_WITHOUT_READINGS = "customersWithoutReadings";

  private EmailJoin() {}

  /**
   * Keeps the readings of the given customers (normally customer_trusted). See {@link
   * TrustedReadings}.
   */
  public static TrustedReadings readingsOf(PCollection<Customer> customers) {
    return new TrustedReadings("EmailJoin.readingsOf", requireNonNull(customers, "customers"), null, false);
  }

  /**
   * Keeps the readings of the given emails: {@code KV(email, shareWithResearchAsOfDate)}, with the
   * date in epoch milliseconds. It behaves as {@link #readingsOf} given one customer per entry: an
   * email is allowed whatever its date, and several entries of one email count the earliest date. A
   * null date (with a coder that admits it) is an email without consent, whose readings {@link
   * TrustedReadings#withConsentSinceDate withConsentSinceDate(true)} all drops. The emails need not be
   * normalised: both sides are compared trimmed and lower-cased. See {@link TrustedReadings}.
   */
  public static TrustedReadings readingsOfEmails(PCollection<KV<String, Long>> researchConsentByEmail) {
    return new TrustedReadings(
        "EmailJoin.readingsOfEmails", null, requireNonNull(researchConsentByEmail, "researchConsentByEmail"), false);
  }

  /**
   * Keeps the customers that have at least one of the given readings (normally
   * accelerometer_trusted). See {@link CustomersWithReadings}.
   */
  public static CustomersWithReadings customersWithReadings(PCollection<AccelerometerReading> readings) {
    return new CustomersWithReadings(requireNonNull(readings, "readings"));
  }

  /**
   * Keeps the elements whose key, an email, has at least one of the given readings: {@link
   * #customersWithReadings} for customers of any type, keyed by email. See {@link
   * EmailsWithReadings}.
   */
  public static <V> EmailsWithReadings<V> emailsWithReadings(PCollection<AccelerometerReading> readings) {
    return new EmailsWithReadings<>(requireNonNull(readings, "readings"));
  }

  /**
   * Accelerometer readings whose user is one of the given customers.
   *
   * <p><b>Input:</b> readings in any order, with exact duplicates. The customers are the allowed
   * set: a reading is kept when its normalised {@code user} equals a customer's normalised email,
   * whatever that customer's consent; pass customer_trusted to keep only consenting customers.
   *
   * <p><b>Output:</b> every kept reading unchanged, each distinct reading once (exact duplicates,
   * all five fields equal, collapse; readings that differ in any field, such as two readings of one
   * user at one millisecond, all stay). Readings of unknown users are dropped.
   *
   * <p>{@link #withConsentSinceDate(boolean) withConsentSinceDate(true)} also drops the readings
   * taken before the customer's {@code shareWithResearchAsOfDate}: a reading at exactly that
   * millisecond is kept, one a millisecond earlier is not. With several customer records of one
   * email, the earliest consent date counts; a customer without one keeps none of its readings.
   * Built with {@link #readingsOfEmails}, the given dates play the part of the customers' dates.
   *
   * <p><b>Scale:</b> the readings are never grouped by user. The customers' emails (with their
   * consent dates) become a side input map, broadcast to every worker, and each reading is checked
   * against it in a map step; only the kept readings are shuffled once, in bounded-size buckets of
   * about a hundred thousand readings grouped by a hash of the whole reading, where duplicates are
   * dropped in memory. A user with millions of readings is therefore not a hot key. The
   * cost is memory: each worker holds the map of customer emails (about 100 bytes per customer,
   * some 500 MB for five million customers).
   *
   * <p><b>Counters</b> (namespace {@code EmailJoin}): {@code readings} (input),
   * {@code readingsOfUnknownUsers}, {@code readingsBeforeConsent}, {@code duplicateReadings},
   * {@code readingsKept}.
   *
   * <p><b>Batch only</b>, as every transform of {@link EmailJoin}.
   */
  public static final class TrustedReadings
      extends PTransform<PCollection<AccelerometerReading>, PCollection<AccelerometerReading>> {
    private final String factory;
    private final PCollection<Customer> customers;
    private final PCollection<KV<String, Long>> consentDates;
    private final boolean consentSinceDate;

    private TrustedReadings(
        String factory,
        PCollection<Customer> customers,
        PCollection<KV<String, Long>> consentDates,
        boolean consentSinceDate) {
      this.factory = factory;
      this.customers = customers;
      this.consentDates = consentDates;
      this.consentSinceDate = consentSinceDate;
    }

    /** Whether to drop the readings taken before the customer's research consent date. */
    public TrustedReadings withConsentSinceDate(boolean consentSinceDate) {
      return new TrustedReadings(factory, customers, consentDates, consentSinceDate);
    }

    @Override
    public PCollection<AccelerometerReading> expand(PCollection<AccelerometerReading> readings) {
      BatchInputs.requireBounded(factory, readings, customers, consentDates);
      PCollectionView<Map<String, Long>> consentByEmail =
          customers != null
              ? SemiJoins.earliestConsentBy(customers, "Email", Customer::normalizedEmail)
              : SemiJoins.earliestConsentOfKeys(consentDates, "Email", Customer::normalizeEmail);
      return readings
          .apply(
              "KeepReadingsOfKnownUsers",
              ParDo.of(new KeepKnownUsersFn(consentByEmail, consentSinceDate)).withSideInputs(consentByEmail))
          .setCoder(AccelerometerReading.Coder.of())
          .apply(
              "DropDuplicateReadings",
              SemiJoins.distinctCounting(
                  EmailJoin.class,
                  DUPLICATE_READINGS,
                  READINGS_KEPT,
                  AccelerometerReading.Coder.of(),
                  Buckets::hash));
    }
  }

  private static final class KeepKnownUsersFn extends DoFn<AccelerometerReading, AccelerometerReading> {
    private final PCollectionView<Map<String, Long>> consentByEmail;
    private final boolean consentSinceDate;
    private final Counter readings = Metrics.counter(EmailJoin.class, READINGS);
    private final Counter unknownUsers = Metrics.counter(EmailJoin.class, READINGS_OF_UNKNOWN_USERS);
    private final Counter beforeConsent = Metrics.counter(EmailJoin.class, READINGS_BEFORE_CONSENT);
    // Landing files hold long runs of one user's readings: remember the last look-up.
    private transient String lastUser;
    private transient Long lastConsent;
    // The side input of this bundle, read once: a runner may build the map on every read of it.
    private transient Map<String, Long> consent;

    KeepKnownUsersFn(PCollectionView<Map<String, Long>> consentByEmail, boolean consentSinceDate) {
      this.consentByEmail = consentByEmail;
      this.consentSinceDate = consentSinceDate;
    }

    @StartBundle
    public void startBundle() {
      lastUser = null;
      lastConsent = null;
      consent = null;
    }

    @ProcessElement
    public void processElement(ProcessContext c) {
      readings.inc();
      AccelerometerReading reading = c.element();
      if (!reading.user().equals(lastUser)) {
        if (consent == null) {
          consent = c.sideInput(consentByEmail);
        }
        lastConsent = consent.get(reading.normalizedUser());
        lastUser = reading.user();
      }
      if (lastConsent == null) {
        unknownUsers.inc();
      } else if (consentSinceDate && reading.timestamp() < lastConsent) {
        beforeConsent.inc();
      } else {
        c.output(reading);
      }
    }
  }

  /**
   * Customers that have at least one of the given accelerometer readings.
   *
   * <p><b>Input:</b> customers in any order (normally customer_trusted: one per email). The readings
   * are matched on their normalised {@code user}.
   *
   * <p><b>Output:</b> each input customer whose normalised email has at least one reading, emitted
   * once and unchanged, however many readings match; customers without readings are dropped.
   *
   * <p><b>Scale:</b> the readings are first reduced to the set of their distinct users with a
   * combiner, so a user with millions of readings becomes one entry before the shuffle; customers
   * and user sets are then co-grouped in bounded-size buckets (by a hash of the email, about a
   * hundred thousand elements each). Nothing is broadcast, so the number of customers is not
   * bounded by a worker's memory.
   *
   * <p>Each bucket is read once (no {@code CoGroupByKey}, whose result reads a large group twice),
   * so it runs on Flink's batch GroupByKey as it is.
   *
   * <p><b>Counters</b> (namespace {@code EmailJoin}): {@code customers} (input),
   * {@code customersWithReadings}, {@code customersWithoutReadings}.
   *
   * <p><b>Batch only</b>, as every transform of {@link EmailJoin}.
   */
  public static final class CustomersWithReadings
      extends PTransform<PCollection<Customer>, PCollection<Customer>> {
    private final PCollection<AccelerometerReading> readings;

    private CustomersWithReadings(PCollection<AccelerometerReading> readings) {
      this.readings = readings;
    }

    @Override
    public PCollection<Customer> expand(PCollection<Customer> customers) {
      BatchInputs.requireBounded("EmailJoin.customersWithReadings", customers, readings);
      return keepWithReadings(customers, Customer.Coder.of(), Customer::normalizedEmail, readings);
    }
  }

  /**
   * Elements keyed by an email (a team's own customer records, say) that have at least one of the
   * given accelerometer readings: {@link CustomersWithReadings} with the key for the customer's
   * email.
   *
   * <p><b>Input:</b> {@code KV(email, value)} in any order; emails are compared trimmed and
   * lower-cased with the readings' {@code user}.
   *
   * <p><b>Output:</b> each input element whose email has at least one reading, emitted once and
   * unchanged (with the input's coder), however many readings match; an element that occurs twice in
   * the input is emitted twice. Elements without readings are dropped.
   *
   * <p><b>Scale</b> and <b>counters</b> as {@link CustomersWithReadings}'s, each element counting as
   * a customer. <b>Batch only</b>, as every transform of {@link EmailJoin}.
   */
  public static final class EmailsWithReadings<V>
      extends PTransform<PCollection<KV<String, V>>, PCollection<KV<String, V>>> {
    private final PCollection<AccelerometerReading> readings;

    private EmailsWithReadings(PCollection<AccelerometerReading> readings) {
      this.readings = readings;
    }

    @Override
    public PCollection<KV<String, V>> expand(PCollection<KV<String, V>> customers) {
      BatchInputs.requireBounded("EmailJoin.emailsWithReadings", customers, readings);
      return keepWithReadings(
          customers, customers.getCoder(), keyed -> Customer.normalizeEmail(keyed.getKey()), readings);
    }
  }

  private static <T> PCollection<T> keepWithReadings(
      PCollection<T> customers,
      Coder<T> coder,
      SerializableFunction<T, String> normalizedEmail,
      PCollection<AccelerometerReading> readings) {
    PCollection<String> users =
        readings.apply("NormalizeReadingUsers", ParDo.of(new NormalizedUserFn())).setCoder(StringUtf8Coder.of());
    PCollection<T> counted = customers.apply("CountCustomers", ParDo.of(new CountCustomersFn<T>())).setCoder(coder);
    Buckets.Count buckets = Buckets.countFor("EmailBuckets", List.of(counted, users));
    PCollection<KV<Integer, Set<String>>> usersByBucket =
        Buckets.assign("BucketReadingUsers", users, String::hashCode, buckets, StringUtf8Coder.of())
            .apply("CollectDistinctUsers", Combine.perKey(new DistinctUsersFn()));
    PCollection<KV<Integer, T>> customersByBucket =
        Buckets.assign("BucketCustomers", counted, c -> normalizedEmail.apply(c).hashCode(), buckets, coder);
    return Buckets.coGroup("GroupCustomersWithReadingUsers", customersByBucket, usersByBucket)
        .apply("KeepCustomersWithReadings", ParDo.of(new KeepWithReadingsFn<>(normalizedEmail)))
        .setCoder(coder);
  }

  private static final class NormalizedUserFn extends DoFn<AccelerometerReading, String> {
    private transient String lastUser;
    private transient String lastNormalized;

    @ProcessElement
    public void processElement(@Element AccelerometerReading reading, OutputReceiver<String> out) {
      if (!reading.user().equals(lastUser)) {
        lastUser = reading.user();
        lastNormalized = reading.normalizedUser();
      }
      out.output(lastNormalized);
    }
  }

  private static final class CountCustomersFn<T> extends DoFn<T, T> {
    private final Counter customers = Metrics.counter(EmailJoin.class, CUSTOMERS);

    @ProcessElement
    public void processElement(@Element T customer, OutputReceiver<T> out) {
      customers.inc();
      out.output(customer);
    }
  }

  /** The distinct users of a bucket's readings. */
  private static final class DistinctUsersFn extends Combine.CombineFn<String, HashSet<String>, Set<String>> {
    @Override
    public HashSet<String> createAccumulator() {
      return new HashSet<>();
    }

    @Override
    public HashSet<String> addInput(HashSet<String> users, String user) {
      users.add(user);
      return users;
    }

    @Override
    public HashSet<String> mergeAccumulators(Iterable<HashSet<String>> accumulators) {
      HashSet<String> merged = new HashSet<>();
      accumulators.forEach(merged::addAll);
      return merged;
    }

    @Override
    public Set<String> extractOutput(HashSet<String> users) {
      return users;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Coder<HashSet<String>> getAccumulatorCoder(CoderRegistry registry, Coder<String> inputCoder) {
      return (Coder) SetCoder.of(StringUtf8Coder.of());
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Coder<Set<String>> getDefaultOutputCoder(CoderRegistry registry, Coder<String> inputCoder) {
      return SetCoder.of(StringUtf8Coder.of());
    }
  }

  private static final class KeepWithReadingsFn<T> extends DoFn<KV<Integer, Iterable<RawUnionValue>>, T> {
    private final SerializableFunction<T, String> normalizedEmail;
    private final Counter withReadings = Metrics.counter(EmailJoin.class, CUSTOMERS_WITH_READINGS);
    private final Counter withoutReadings = Metrics.counter(EmailJoin.class, CUSTOMERS_WITHOUT_READINGS);

    KeepWithReadingsFn(SerializableFunction<T, String> normalizedEmail) {
      this.normalizedEmail = normalizedEmail;
    }

    @ProcessElement
    @SuppressWarnings("unchecked")
    public void processElement(@Element KV<Integer, Iterable<RawUnionValue>> bucket, OutputReceiver<T> out) {
      // One pass over the bucket: collect the users, keep the customers aside.
      Set<String> users = new HashSet<>();
      List<T> customers = new ArrayList<>();
      for (RawUnionValue element : bucket.getValue()) {
        if (element.getUnionTag() == Buckets.FIRST) {
          customers.add((T) element.getValue());
        } else {
          users.addAll((Set<String>) element.getValue());
        }
      }
      for (T customer : customers) {
        if (users.contains(normalizedEmail.apply(customer))) {
          withReadings.inc();
          out.output(customer);
        } else {
          withoutReadings.inc();
        }
      }
    }
  }
}
