package org.stedi.lakehouse.pipelines;

import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.model.MachineLearningRow;
import org.stedi.lakehouse.model.Source;
import org.stedi.lakehouse.model.StepTrainerReading;
import org.stedi.lakehouse.pipelines.run.LakeIO;
import org.stedi.lakehouse.pipelines.run.LakeJob;
import org.stedi.lakehouse.pipelines.run.LakeRun;
import org.stedi.lakehouse.pipelines.run.TableFormat;

/**
 * The whole lake in one graph: the five zone transitions composed in dependency order, each table
 * computed once and handed on in memory rather than written and read back (device ownership too: decided
 * once from the landing readings and used by both step tables), and all five tables and
 * three quarantines published together at the end. The tables are exactly those of running the five
 * pipelines one after another.
 */
public final class Lakehouse {
  public static final LakeJob JOB =
      new LakeJob(
          "lakehouse",
          List.of(Source.CUSTOMER, Source.ACCELEROMETER, Source.STEP_TRAINER),
          List.of(),
          List.of(
              LakeTable.CUSTOMER_TRUSTED,
              LakeTable.ACCELEROMETER_TRUSTED,
              LakeTable.CUSTOMERS_CURATED,
              LakeTable.STEP_TRAINER_TRUSTED,
              LakeTable.MACHINE_LEARNING_CURATED),
          List.of(Source.CUSTOMER, Source.ACCELEROMETER, Source.STEP_TRAINER),
          LakeJobs::settings,
          Lakehouse::buildGraph);

  private Lakehouse() {}

  public static void main(String[] args) {
    LakeJobs.main(JOB, args);
  }

  public static LakeRun.Result run(LakeOptions options) {
    return LakeRun.run(JOB, options);
  }

  static void buildGraph(Pipeline pipeline, LakeIO io) {
    LakeOptions options = pipeline.getOptions().as(LakeOptions.class);
    PCollection<Customer> customerTrusted =
        CustomerLandingToTrusted.trusted(CustomerLandingToTrusted.readLanding(pipeline, io));
    io.writeTable(LakeTable.CUSTOMER_TRUSTED, customerTrusted, TableFormat.CUSTOMER);

    PCollection<AccelerometerReading> accelerometerLanding = AccelerometerLandingToTrusted.readLanding(pipeline, io);
    PCollection<AccelerometerReading> accelerometerTrusted =
        AccelerometerLandingToTrusted.trusted(accelerometerLanding, customerTrusted, options);
    io.writeTable(LakeTable.ACCELEROMETER_TRUSTED, accelerometerTrusted, TableFormat.ACCELEROMETER);

    PCollection<Customer> customersCurated =
        CustomerTrustedToCurated.curated(customerTrusted, accelerometerTrusted);
    io.tallyInput(LakeTable.CUSTOMERS_CURATED, customerTrusted);
    io.writeTable(LakeTable.CUSTOMERS_CURATED, customersCurated, TableFormat.CUSTOMER);

    PCollection<StepTrainerReading> stepTrainerLanding = StepTrainerTrusted.readLanding(pipeline, io);
    PCollection<KV<String, Customer>> curatedDevices =
        StepTrainerTrusted.curatedDevices(
            StepTrainerTrusted.attribute(stepTrainerLanding, accelerometerLanding), customersCurated);
    PCollection<StepTrainerReading> stepTrainerTrusted =
        StepTrainerTrusted.trusted(stepTrainerLanding, curatedDevices, customersCurated, options);
    io.writeTable(LakeTable.STEP_TRAINER_TRUSTED, stepTrainerTrusted, TableFormat.STEP_TRAINER);

    io.tallyInput(LakeTable.MACHINE_LEARNING_CURATED, stepTrainerTrusted);
    PCollection<MachineLearningRow> machineLearning =
        MachineLearningCurated.curated(
            stepTrainerTrusted, accelerometerTrusted, curatedDevices, customersCurated, options);
    io.writeTable(LakeTable.MACHINE_LEARNING_CURATED, machineLearning, TableFormat.MACHINE_LEARNING);
  }
}
