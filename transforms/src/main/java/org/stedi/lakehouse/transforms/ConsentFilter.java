package org.stedi.lakehouse.transforms;

import java.util.Comparator;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
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
 * <p><b>Scale:</b> picking the current record is a {@link Combine#perKey} of a binary "latest"
 * function, so runners combine before the shuffle and one email with millions of records never
 * holds them in memory at once; the work is one shuffle of at most one record per email per bundle.
 *
 * <p><b>Counters</b> (namespace {@code ConsentFilter}): {@code records} (input),
 * {@code currentRecords} (distinct emails), {@code withoutConsent} (current records dropped),
 * {@code kept}. Superseded records = {@code records - currentRecords}.
 */
public final class ConsentFilter extends PTransform<PCollection<Customer>, PCollection<Customer>> {

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
    return customers
        .apply("KeyByNormalizedEmail", ParDo.of(new KeyByEmailFn()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), Customer.Coder.of()))
        .apply("PickCurrentRecord", Combine.perKey(new LatestRecord()))
        .apply("KeepConsenting", ParDo.of(new KeepConsentingFn()))
        .setCoder(Customer.Coder.of());
  }

  private static <T extends Comparable<? super T>> Comparator<T> nullsFirst() {
    return Comparator.nullsFirst(Comparator.naturalOrder());
  }

  private static final class KeyByEmailFn extends DoFn<Customer, KV<String, Customer>> {
    private final Counter records = Metrics.counter(ConsentFilter.class, "records");

    @ProcessElement
    public void processElement(@Element Customer customer, OutputReceiver<KV<String, Customer>> out) {
      records.inc();
      out.output(KV.of(customer.normalizedEmail(), customer));
    }
  }

  /** Keeps the greater of two records of one email under {@link #CURRENT_RECORD_ORDER}. */
  private static final class LatestRecord extends Combine.BinaryCombineFn<Customer> {
    @Override
    public Customer apply(Customer left, Customer right) {
      return CURRENT_RECORD_ORDER.compare(left, right) >= 0 ? left : right;
    }
  }

  private static final class KeepConsentingFn extends DoFn<KV<String, Customer>, Customer> {
    private final Counter currentRecords = Metrics.counter(ConsentFilter.class, "currentRecords");
    private final Counter withoutConsent = Metrics.counter(ConsentFilter.class, "withoutConsent");
    private final Counter kept = Metrics.counter(ConsentFilter.class, "kept");

    @ProcessElement
    public void processElement(@Element KV<String, Customer> current, OutputReceiver<Customer> out) {
      currentRecords.inc();
      Customer customer = current.getValue();
      if (customer.sharesWithResearch()) {
        kept.inc();
        out.output(customer);
      } else {
        withoutConsent.inc();
      }
    }
  }
}
