package org.stedi.lakehouse.pipelines;

import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.stedi.lakehouse.model.DeviceOwnerRule;
import org.stedi.lakehouse.landing.ReadLanding;
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
import org.stedi.lakehouse.transforms.DeviceOwnership;
import org.stedi.lakehouse.transforms.TimestampJoin;

/**
 * step_trainer_trusted + accelerometer_trusted → machine_learning_curated: each step trainer reading
 * paired with the accelerometer readings of its device's owner at the same millisecond ({@link
 * TimestampJoin#pairWithOwners}). The owners are decided from the landing readings again ({@link
 * DeviceOwnership}, as step_trainer_trusted decides them), so this job also reads the step trainer and
 * accelerometer landing data, for evidence only. With {@code --deviceOwner=serialNumber} the users of
 * a device are the customers whose {@code serialNumber} names it ({@link TimestampJoin#pairWith});
 * with {@code --pairOnTimestampOnly=true} readings are paired on the millisecond alone.
 */
public final class MachineLearningCurated {
  public static final LakeJob JOB =
      new LakeJob(
          "machine_learning_curated",
          List.of(Source.STEP_TRAINER, Source.ACCELEROMETER),
          List.of(
              new LakeJob.Input(LakeTable.STEP_TRAINER_TRUSTED, StepTrainerTrusted.JOB),
              new LakeJob.Input(LakeTable.ACCELEROMETER_TRUSTED, AccelerometerLandingToTrusted.JOB),
              new LakeJob.Input(LakeTable.CUSTOMERS_CURATED, CustomerTrustedToCurated.JOB)),
          List.of(LakeTable.MACHINE_LEARNING_CURATED),
          List.of(),
          LakeJobs::settings,
          MachineLearningCurated::buildGraph);

  private MachineLearningCurated() {}

  public static void main(String[] args) {
    LakeJobs.main(JOB, args);
  }

  public static LakeRun.Result run(LakeOptions options) {
    return LakeRun.run(JOB, options);
  }

  static void buildGraph(Pipeline pipeline, LakeIO io) {
    LakeOptions options = pipeline.getOptions().as(LakeOptions.class);
    PCollection<StepTrainerReading> stepTrainerTrusted =
        io.readTable(pipeline, LakeTable.STEP_TRAINER_TRUSTED, TableFormat.STEP_TRAINER);
    PCollection<AccelerometerReading> accelerometerTrusted =
        io.readTable(pipeline, LakeTable.ACCELEROMETER_TRUSTED, TableFormat.ACCELEROMETER);
    PCollection<Customer> customersCurated =
        io.readTable(pipeline, LakeTable.CUSTOMERS_CURATED, TableFormat.CUSTOMER);
    PCollection<StepTrainerReading> stepLanding =
        io.readLandingRecords(pipeline, Source.STEP_TRAINER, ReadLanding.stepTrainer());
    PCollection<KV<String, Customer>> curatedDevices =
        StepTrainerTrusted.curatedDevices(
            StepTrainerTrusted.attribute(stepLanding, StepTrainerTrusted.readPhoneEvidence(pipeline, io)),
            customersCurated);
    io.tallyInput(LakeTable.MACHINE_LEARNING_CURATED, stepTrainerTrusted);
    io.writeTable(
        LakeTable.MACHINE_LEARNING_CURATED,
        curated(stepTrainerTrusted, accelerometerTrusted, curatedDevices, customersCurated, options),
        TableFormat.MACHINE_LEARNING);
  }

  /** machine_learning_curated from the trusted readings and the curated customers' devices. */
  public static PCollection<MachineLearningRow> curated(
      PCollection<StepTrainerReading> stepTrainerTrusted,
      PCollection<AccelerometerReading> accelerometerTrusted,
      PCollection<KV<String, Customer>> curatedDevices,
      PCollection<Customer> customersCurated,
      LakeOptions options) {
    TimestampJoin join =
        switch (DeviceOwnerRule.of(options.getDeviceOwner())) {
          case READINGS -> TimestampJoin.pairWithOwners(accelerometerTrusted, curatedDevices);
          case SERIAL_NUMBER -> TimestampJoin.pairWith(accelerometerTrusted, customersCurated);
        };
    return stepTrainerTrusted.apply(
        "PairStepAndAccelerometerReadings", join.withTimestampOnlyPairing(options.getPairOnTimestampOnly()));
  }
}
