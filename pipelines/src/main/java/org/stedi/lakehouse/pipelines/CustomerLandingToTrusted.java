package org.stedi.lakehouse.pipelines;

import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.values.PCollection;
import org.stedi.lakehouse.landing.LandingRecords;
import org.stedi.lakehouse.landing.ReadLanding;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.model.Source;
import org.stedi.lakehouse.pipelines.run.LakeIO;
import org.stedi.lakehouse.pipelines.run.LakeJob;
import org.stedi.lakehouse.pipelines.run.LakeRun;
import org.stedi.lakehouse.pipelines.run.TableFormat;
import org.stedi.lakehouse.transforms.ConsentFilter;
import org.stedi.lakehouse.transforms.SharedSerials;

/**
 * customer_landing → customer_trusted: each email's current customer record, kept if it consents
 * to research ({@link ConsentFilter}). Rejected landing lines go to {@code customer/quarantine/}.
 */
public final class CustomerLandingToTrusted {
  public static final LakeJob JOB =
      new LakeJob(
          "customer_landing_to_trusted",
          List.of(Source.CUSTOMER),
          List.of(),
          List.of(LakeTable.CUSTOMER_TRUSTED),
          List.of(Source.CUSTOMER),
          LakeJobs::settings,
          CustomerLandingToTrusted::buildGraph);

  private CustomerLandingToTrusted() {}

  public static void main(String[] args) {
    LakeJobs.main(JOB, args);
  }

  public static LakeRun.Result run(LakeOptions options) {
    return LakeRun.run(JOB, options);
  }

  static void buildGraph(Pipeline pipeline, LakeIO io) {
    io.writeTable(LakeTable.CUSTOMER_TRUSTED, trusted(readLanding(pipeline, io)), TableFormat.CUSTOMER);
  }

  /**
   * Reads customer_landing and writes its quarantine; returns the parsed records. The run report's
   * measure of the serial-number bug (serial numbers shared by several customers) is taken here.
   */
  static PCollection<Customer> readLanding(Pipeline pipeline, LakeIO io) {
    LandingRecords<Customer> landing = io.readLanding(pipeline, Source.CUSTOMER, ReadLanding.customers());
    io.writeQuarantine(Source.CUSTOMER, landing.failures());
    landing.records().apply("MeasureSharedSerialNumbers", SharedSerials.count());
    return landing.records();
  }

  /** customer_trusted from customer_landing records. */
  public static PCollection<Customer> trusted(PCollection<Customer> landing) {
    return landing.apply("KeepConsentingCustomers", ConsentFilter.create());
  }
}
