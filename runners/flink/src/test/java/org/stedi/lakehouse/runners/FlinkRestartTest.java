package org.stedi.lakehouse.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.landing.LandingRecords;
import org.stedi.lakehouse.landing.ReadLanding;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.model.Source;
import org.stedi.lakehouse.model.StepTrainerReading;
import org.stedi.lakehouse.pipelines.AccelerometerLandingToTrusted;
import org.stedi.lakehouse.pipelines.CustomerLandingToTrusted;
import org.stedi.lakehouse.pipelines.CustomerTrustedToCurated;
import org.stedi.lakehouse.pipelines.LakeJobs;
import org.stedi.lakehouse.pipelines.LakeOptions;
import org.stedi.lakehouse.pipelines.Lakehouse;
import org.stedi.lakehouse.pipelines.MachineLearningCurated;
import org.stedi.lakehouse.pipelines.StepTrainerTrusted;
import org.stedi.lakehouse.pipelines.run.LakeIO;
import org.stedi.lakehouse.pipelines.run.LakeJob;
import org.stedi.lakehouse.pipelines.run.LakeRun;
import org.stedi.lakehouse.pipelines.run.TableFormat;
import org.stedi.lakehouse.testing.RunReportFile;
import org.stedi.lakehouse.testing.RunnerParity;

/**
 * The lakehouse on Flink with a restart strategy when a task fails once in the middle of the run:
 * Flink runs the failed work again, and the run publishes the DirectRunner's tables with a
 * reconciled report. The failure is injected by this test alone: its graph is the lakehouse's with
 * one step more, which throws the first time it sees an accelerometer landing record.
 */
class FlinkRestartTest {
  private static final AtomicInteger FAILURES = new AtomicInteger();

  @TempDir Path dir;

  @Test
  void aTaskThatFailsOnceIsRunAgainAndTheRunPublishesTheSameTables() {
    RunnerParity.Baseline direct = RunnerParity.directBaseline(StediCommand::execute);
    Path lake = dir.resolve("flink-restart");
    RunnerParity.generate(lake);
    LakeJob failingOnce =
        new LakeJob(
            Lakehouse.JOB.name(),
            Lakehouse.JOB.landing(),
            Lakehouse.JOB.inputs(),
            Lakehouse.JOB.outputs(),
            Lakehouse.JOB.quarantines(),
            Lakehouse.JOB.settings(),
            FlinkRestartTest::lakehouseThatFailsOnce);
    FAILURES.set(0);

    LakeRun.Result run =
        LakeRun.run(
            failingOnce,
            LakeJobs.parseOptions(
                "--lake=" + lake, "--runner=FlinkRunner", "--flinkConfDir=" + flinkConf(dir)));

    assertEquals(1, FAILURES.get(), "the injected failure happened once");
    assertTrue(run.report().reconciled(), run.report().toText());
    RunnerParity.assertSameTables(direct, lake, "FlinkRunner after a restart");
    RunnerParity.assertPrivacyInvariants(lake, "FlinkRunner after a restart");
    assertEquals(direct.report().dataFigures(), RunReportFile.only(lake).dataFigures(), run.report().toText());
  }

  /** A Flink configuration folder with the restart strategy a production job would have. */
  private static String flinkConf(Path dir) {
    try {
      Path conf = Files.createDirectories(dir.resolve("flink-conf"));
      Files.writeString(
          conf.resolve("flink-conf.yaml"),
          "restart-strategy.type: fixed-delay\nrestart-strategy.fixed-delay.attempts: 2\n"
              + "restart-strategy.fixed-delay.delay: 10 ms\n");
      return conf.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The lakehouse's graph, composed from the pipelines' public pieces as Lakehouse composes them,
   * with one step more: the accelerometer landing records pass through {@link FailOnceFn} on their
   * way to the trusted table and the device evidence.
   */
  private static void lakehouseThatFailsOnce(Pipeline pipeline, LakeIO io) {
    LakeOptions options = pipeline.getOptions().as(LakeOptions.class);
    LandingRecords<Customer> customers = io.readLanding(pipeline, Source.CUSTOMER, ReadLanding.customers());
    io.writeQuarantine(Source.CUSTOMER, customers.failures());
    PCollection<Customer> customerTrusted = CustomerLandingToTrusted.trusted(customers.records());
    io.writeTable(LakeTable.CUSTOMER_TRUSTED, customerTrusted, TableFormat.CUSTOMER);

    LandingRecords<AccelerometerReading> phones =
        io.readLanding(pipeline, Source.ACCELEROMETER, ReadLanding.accelerometer());
    io.writeQuarantine(Source.ACCELEROMETER, phones.failures());
    PCollection<AccelerometerReading> phoneRecords =
        phones.records().apply("FailOnceInTheTest", ParDo.of(new FailOnceFn<AccelerometerReading>()))
            .setCoder(AccelerometerReading.Coder.of());
    PCollection<AccelerometerReading> accelerometerTrusted =
        AccelerometerLandingToTrusted.trusted(phoneRecords, customerTrusted, options);
    io.writeTable(LakeTable.ACCELEROMETER_TRUSTED, accelerometerTrusted, TableFormat.ACCELEROMETER);

    PCollection<Customer> customersCurated = CustomerTrustedToCurated.curated(customerTrusted, accelerometerTrusted);
    io.tallyInput(LakeTable.CUSTOMERS_CURATED, customerTrusted);
    io.writeTable(LakeTable.CUSTOMERS_CURATED, customersCurated, TableFormat.CUSTOMER);

    LandingRecords<StepTrainerReading> steps = io.readLanding(pipeline, Source.STEP_TRAINER, ReadLanding.stepTrainer());
    io.writeQuarantine(Source.STEP_TRAINER, steps.failures());
    PCollection<KV<String, Customer>> curatedDevices =
        StepTrainerTrusted.curatedDevices(StepTrainerTrusted.attribute(steps.records(), phoneRecords), customersCurated);
    PCollection<StepTrainerReading> stepTrainerTrusted =
        StepTrainerTrusted.trusted(steps.records(), curatedDevices, customersCurated, options);
    io.writeTable(LakeTable.STEP_TRAINER_TRUSTED, stepTrainerTrusted, TableFormat.STEP_TRAINER);

    io.tallyInput(LakeTable.MACHINE_LEARNING_CURATED, stepTrainerTrusted);
    io.writeTable(
        LakeTable.MACHINE_LEARNING_CURATED,
        MachineLearningCurated.curated(stepTrainerTrusted, accelerometerTrusted, curatedDevices, customersCurated, options),
        TableFormat.MACHINE_LEARNING);
  }

  private static final class FailOnceFn<T> extends DoFn<T, T> {
    @ProcessElement
    public void processElement(@Element T element, OutputReceiver<T> out) {
      if (FAILURES.compareAndSet(0, 1)) {
        throw new IllegalStateException("a failure injected by the test");
      }
      out.output(element);
    }
  }
}
