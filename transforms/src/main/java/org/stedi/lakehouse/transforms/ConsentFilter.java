package org.stedi.lakehouse.transforms;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.stedi.lakehouse.model.Customer;

/**
 * customer_trusted's rule: for each email, the customer's current record, kept only if it has
 * research consent.
 *
 * <p><b>Input:</b> customer records in any order, any number per email (re-registrations,
 * updates, exact duplicates). Emails are compared trimmed and case-insensitively.
 *
 * <p><b>Output:</b> at most one record per normalised email: the record with the greatest
 * {@code lastUpdateDate} (a missing date counts as older than any date), emitted unchanged, and only
 * if its {@code shareWithResearchAsOfDate} is set. An older record that consented does not rescue a
 * current record that withdrew. Ties on {@code lastUpdateDate} are broken so that the result never
 * depends on input order: a record without research consent wins over one with it (privacy first);
 * remaining ties go to the greater value of the other fields in column order, strings compared by
 * UTF-16 code units, an absent value lowest.
 *
 * <p><b>Scale:</b> the records are grouped into size-adaptive buckets of about a hundred thousand
 * records by a hash of the normalised email (all records of one email meet in one bucket), and each
 * bucket is streamed once, keeping only the current record per email in a map. Memory per bucket is
 * bounded by its distinct emails, however many records one email has; the number of shuffle groups
 * grows with the data, not with the number of customers.
 *
 * <p><b>Counters</b> (namespace {@code ConsentFilter}): {@code records} (input),
 * {@code currentRecords} (distinct emails), {@code withoutConsent} (current records dropped),
 * {@code kept}. Superseded records = {@code records - currentRecords}.
 *
 * <p><b>Batch only:</b> every input must be bounded; {@code expand} throws an {@link
 * IllegalArgumentException} naming an unbounded one. (The size-adaptive buckets are sized from the
 * whole input.)
 */
public final class ConsentFilter extends PTransform<PCollection<Customer>, PCollection<Customer>> {

  /** Counter: the input records. */
  public static final String RECORDS = "records";

  /** Counter: the current records, one per distinct normalised email. */
  public static final String CURRENT_RECORDS = "currentRecords";

  /** Counter: the current records dropped for want of research consent. */
  public static final String WITHOUT_CONSENT = "withoutConsent";

  /** Counter: the records emitted (current and consenting). */
  public static final String KEPT = "kept";

  /**
   * The order of records of one email: the current record is the greatest. Total on all fields, so
   * the choice is deterministic.
   */
  public static final Comparator<Customer> CURRENT_RECORD_ORDER =
      Comparator.comparing(Customer::lastUpdateDate, Comparator.nullsFirst(Comparator.<Long>naturalOrder()))
          .thenComparing(c -> c.sharesWithResearch() ? 0 : 1)
          .thenComparing(Customer::customerName, nullsFirst())
          .thenComparing(Customer::email)
          .thenComparing(Customer::phone, nullsFirst())
          .thenComparing(Customer::birthDay, nullsFirst())
          .thenComparing(Customer::serialNumber)
          .thenComparing(Customer::registrationDate, nullsFirst())
          .thenComparing(Customer::shareWithResearchAsOfDate, nullsFirst())
          .thenComparing(Customer::shareWithPublicAsOfDate, nullsFirst())
          .thenComparing(Customer::shareWithFriendsAsOfDate, nullsFirst());

  private ConsentFilter() {}

  /** The filter with its only behaviour: current record per email, consenting only. */
  public static ConsentFilter create() {
    return new ConsentFilter();
  }

  @Override
  public PCollection<Customer> expand(PCollection<Customer> customers) {
    BatchInputs.requireBounded("ConsentFilter", customers);
    PCollection<Customer> counted =
        customers.apply("CountRecords", ParDo.of(new CountRecordsFn())).setCoder(Customer.Coder.of());
    PCollectionView<Integer> buckets = Buckets.countFor("Customers", List.of(counted));
    return Buckets.assign(
            "BucketByNormalizedEmail", counted, c -> c.normalizedEmail().hashCode(), buckets, Customer.Coder.of())
        .apply("GroupBuckets", GroupByKey.create())
        .apply("KeepCurrentConsentingRecords", ParDo.of(new KeepCurrentConsentingFn()))
        .setCoder(Customer.Coder.of());
  }

  private static <T extends Comparable<? super T>> Comparator<T> nullsFirst() {
    return Comparator.nullsFirst(Comparator.naturalOrder());
  }

  private static final class CountRecordsFn extends DoFn<Customer, Customer> {
    private final Counter records = Metrics.counter(ConsentFilter.class, RECORDS);

    @ProcessElement
    public void processElement(@Element Customer customer, OutputReceiver<Customer> out) {
      records.inc();
      out.output(customer);
    }
  }

  private static final class KeepCurrentConsentingFn extends DoFn<KV<Integer, Iterable<Customer>>, Customer> {
    private final Counter currentRecords = Metrics.counter(ConsentFilter.class, CURRENT_RECORDS);
    private final Counter withoutConsent = Metrics.counter(ConsentFilter.class, WITHOUT_CONSENT);
    private final Counter kept = Metrics.counter(ConsentFilter.class, KEPT);

    @ProcessElement
    public void processElement(@Element KV<Integer, Iterable<Customer>> bucket, OutputReceiver<Customer> out) {
      Map<String, Customer> current = new HashMap<>();
      for (Customer record : bucket.getValue()) {
        current.merge(
            record.normalizedEmail(), record, (a, b) -> CURRENT_RECORD_ORDER.compare(a, b) >= 0 ? a : b);
      }
      for (Customer customer : current.values()) {
        currentRecords.inc();
        if (customer.sharesWithResearch()) {
          kept.inc();
          out.output(customer);
        } else {
          withoutConsent.inc();
        }
      }
    }
  }
}
