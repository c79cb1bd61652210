package org.stedi.lakehouse.pipelines;

import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.values.PCollection;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.LakeTable;
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
          List.of(LakeTable.CUSTOMER_TRUSTED, LakeTable.ACCELEROMETER_TRUSTED),
          List.of(LakeTable.CUSTOMERS_CURATED),
          List.of(),
          CustomerTrustedToCurated::buildGraph);

  private CustomerTrustedToCurated() {}

  public static void main(String[] args) {
    LakeRun.main(JOB, args);
  }

  public static LakeRun.Result run(LakeOptions options) {
    return LakeRun.run(JOB, options);
  }

  static void buildGraph(Pipeline pipeline, LakeIO io, LakeOptions options) {
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
