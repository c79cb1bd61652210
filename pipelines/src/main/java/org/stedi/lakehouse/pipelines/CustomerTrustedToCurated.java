package org.stedi.lakehouse.pipelines;

import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.values.PCollection;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.run.LakeIO;
import org.stedi.lakehouse.pipelines.run.LakeJob;
import org.stedi.lakehouse.pipelines.run.LakeRun;
import org.stedi.lakehouse.pipelines.run.TableFormat;
import org.stedi.lakehouse.transforms.EmailJoin;

/**
 * customer_trusted → customers_curated: the trusted customers with at least one
 * accelerometer_trusted reading, each once ({@link EmailJoin#customersWithReadings}).
 */
public final class CustomerTrustedToCurated {
  public static final LakeJob JOB =
      new LakeJob(
          "customer_trusted_to_curated",
          List.of(),
          List.of(
              new LakeJob.Input(LakeTable.CUSTOMER_TRUSTED, CustomerLandingToTrusted.JOB),
              new LakeJob.Input(LakeTable.ACCELEROMETER_TRUSTED, AccelerometerLandingToTrusted.JOB)),
          List.of(LakeTable.CUSTOMERS_CURATED),
          List.of(),
          LakeJobs::settings,
          CustomerTrustedToCurated::buildGraph);

  private CustomerTrustedToCurated() {}

  public static void main(String[] args) {
    LakeJobs.main(JOB, args);
  }

  public static LakeRun.Result run(LakeOptions options) {
    return LakeRun.run(JOB, options);
  }

  static void buildGraph(Pipeline pipeline, LakeIO io) {
    PCollection<Customer> customerTrusted =
        io.readTable(pipeline, LakeTable.CUSTOMER_TRUSTED, TableFormat.CUSTOMER);
    PCollection<AccelerometerReading> accelerometerTrusted =
        io.readTable(pipeline, LakeTable.ACCELEROMETER_TRUSTED, TableFormat.ACCELEROMETER);
    io.tallyInput(LakeTable.CUSTOMERS_CURATED, customerTrusted);
    io.writeTable(LakeTable.CUSTOMERS_CURATED, curated(customerTrusted, accelerometerTrusted), TableFormat.CUSTOMER);
  }

  /** customers_curated from customer_trusted and accelerometer_trusted. */
  public static PCollection<Customer> curated(
      PCollection<Customer> customerTrusted, PCollection<AccelerometerReading> accelerometerTrusted) {
    return customerTrusted.apply(
        "KeepCustomersWithReadings", EmailJoin.customersWithReadings(accelerometerTrusted));
  }
}
