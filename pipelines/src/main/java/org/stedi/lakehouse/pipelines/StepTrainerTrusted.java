package org.stedi.lakehouse.pipelines;

import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.values.PCollection;
import org.stedi.lakehouse.landing.LandingRecords;
import org.stedi.lakehouse.landing.ReadLanding;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.model.Source;
import org.stedi.lakehouse.model.StepTrainerReading;
import org.stedi.lakehouse.transforms.SerialNumberJoin;

/**
 * step_trainer_landing → step_trainer_trusted: the readings of devices whose serial number a
 * customers_curated row has, each distinct reading once ({@link SerialNumberJoin}); with {@code
 * --consentSinceDate=true} only those taken since the serial's earliest consent. Rejected lines go
 * to {@code step_trainer/quarantine/}.
 */
public final class StepTrainerTrusted {
  public static final LakeJob JOB =
      new LakeJob(
          "step_trainer_trusted",
          List.of(Source.STEP_TRAINER),
          List.of(LakeTable.CUSTOMERS_CURATED),
          List.of(LakeTable.STEP_TRAINER_TRUSTED),
          List.of(Source.STEP_TRAINER),
          StepTrainerTrusted::buildGraph);

  private StepTrainerTrusted() {}

  public static void main(String[] args) {
    LakeRun.main(JOB, args);
  }

  public static LakeRun.Result run(LakeOptions options) {
    return LakeRun.run(JOB, options);
  }

  static void buildGraph(Pipeline pipeline, LakeIO io, LakeOptions options) {
    PCollection<Customer> customersCurated =
        io.readTable(pipeline, LakeTable.CUSTOMERS_CURATED, TableFormat.CUSTOMER);
    io.writeTable(
        LakeTable.STEP_TRAINER_TRUSTED,
        trusted(readLanding(pipeline, io), customersCurated, options),
        TableFormat.STEP_TRAINER);
  }

  /** Reads step_trainer_landing and writes its quarantine; returns the parsed readings. */
  static PCollection<StepTrainerReading> readLanding(Pipeline pipeline, LakeIO io) {
    LandingRecords<StepTrainerReading> landing =
        io.readLanding(pipeline, Source.STEP_TRAINER, ReadLanding.stepTrainer());
    io.writeQuarantine(Source.STEP_TRAINER, landing.failures());
    return landing.records();
  }

  /** step_trainer_trusted from step_trainer_landing readings and customers_curated. */
  public static PCollection<StepTrainerReading> trusted(
      PCollection<StepTrainerReading> landing, PCollection<Customer> customersCurated, LakeOptions options) {
    return landing.apply(
        "KeepReadingsOfCuratedDevices",
        SerialNumberJoin.readingsOf(customersCurated).withConsentSinceDate(options.getConsentSinceDate()));
  }
}
