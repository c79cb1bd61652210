package org.stedi.lakehouse.pipelines;

import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.values.PCollection;
import org.stedi.lakehouse.landing.LandingRecords;
import org.stedi.lakehouse.landing.ReadLanding;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.model.Source;
import org.stedi.lakehouse.pipelines.run.LakeIO;
import org.stedi.lakehouse.pipelines.run.LakeJob;
import org.stedi.lakehouse.pipelines.run.LakeRun;
import org.stedi.lakehouse.pipelines.run.TableFormat;
import org.stedi.lakehouse.transforms.EmailJoin;

/**
 * accelerometer_landing → accelerometer_trusted: the readings of customer_trusted customers, each
 * distinct reading once ({@link EmailJoin#readingsOf}); with {@code --consentSinceDate=true} only
 * those taken since the customer's consent. Rejected lines go to {@code accelerometer/quarantine/}.
 */
public final class AccelerometerLandingToTrusted {
  public static final LakeJob JOB =
      new LakeJob(
          "accelerometer_landing_to_trusted",
          List.of(Source.ACCELEROMETER),
          List.of(new LakeJob.Input(LakeTable.CUSTOMER_TRUSTED, CustomerLandingToTrusted.JOB)),
          List.of(LakeTable.ACCELEROMETER_TRUSTED),
          List.of(Source.ACCELEROMETER),
          LakeJobs::settings,
          AccelerometerLandingToTrusted::buildGraph);

  private AccelerometerLandingToTrusted() {}

  public static void main(String[] args) {
    LakeJobs.main(JOB, args);
  }

  public static LakeRun.Result run(LakeOptions options) {
    return LakeRun.run(JOB, options);
  }

  static void buildGraph(Pipeline pipeline, LakeIO io) {
    LakeOptions options = pipeline.getOptions().as(LakeOptions.class);
    PCollection<Customer> customerTrusted =
        io.readTable(pipeline, LakeTable.CUSTOMER_TRUSTED, TableFormat.CUSTOMER);
    io.writeTable(
        LakeTable.ACCELEROMETER_TRUSTED,
        trusted(readLanding(pipeline, io), customerTrusted, options),
        TableFormat.ACCELEROMETER);
  }

  /** Reads accelerometer_landing and writes its quarantine; returns the parsed readings. */
  static PCollection<AccelerometerReading> readLanding(Pipeline pipeline, LakeIO io) {
    LandingRecords<AccelerometerReading> landing =
        io.readLanding(pipeline, Source.ACCELEROMETER, ReadLanding.accelerometer());
    io.writeQuarantine(Source.ACCELEROMETER, landing.failures());
    return landing.records();
  }

  /** accelerometer_trusted from accelerometer_landing readings and customer_trusted. */
  public static PCollection<AccelerometerReading> trusted(
      PCollection<AccelerometerReading> landing, PCollection<Customer> customerTrusted, LakeOptions options) {
    return landing.apply(
        "KeepReadingsOfTrustedCustomers",
        EmailJoin.readingsOf(customerTrusted).withConsentSinceDate(options.getConsentSinceDate()));
  }
}
