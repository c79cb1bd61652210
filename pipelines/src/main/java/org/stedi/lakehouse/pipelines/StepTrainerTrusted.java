package org.stedi.lakehouse.pipelines;

import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.stedi.lakehouse.model.DeviceOwnerRule;
import org.stedi.lakehouse.landing.LandingRecords;
import org.stedi.lakehouse.landing.ReadLanding;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.DeviceAttribution;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.model.Source;
import org.stedi.lakehouse.model.StepTrainerReading;
import org.stedi.lakehouse.pipelines.run.LakeIO;
import org.stedi.lakehouse.pipelines.run.LakeJob;
import org.stedi.lakehouse.pipelines.run.LakeRun;
import org.stedi.lakehouse.pipelines.run.TableFormat;
import org.stedi.lakehouse.transforms.DeviceOwnership;
import org.stedi.lakehouse.transforms.OwnedDevices;
import org.stedi.lakehouse.transforms.SerialNumberJoin;

/**
 * step_trainer_landing → step_trainer_trusted: the readings of the devices that customers_curated
 * customers own, each distinct reading once. By default a device's owner is decided from the
 * readings ({@link DeviceOwnership} over every valid step trainer and accelerometer landing reading;
 * docs/contract.md, "Device ownership"); with {@code --deviceOwner=serialNumber}, the owners are the
 * customers whose {@code serialNumber} names it ({@link SerialNumberJoin#readingsOf}), which the
 * serial-number bug makes wrong. With {@code --consentSinceDate=true} only the readings taken since
 * the owner's consent are kept. Rejected step trainer lines go to {@code step_trainer/quarantine/};
 * the accelerometer landing is read for evidence only (its quarantine belongs to
 * accelerometer_landing_to_trusted).
 */
public final class StepTrainerTrusted {
  public static final LakeJob JOB =
      new LakeJob(
          "step_trainer_trusted",
          List.of(Source.STEP_TRAINER, Source.ACCELEROMETER),
          List.of(new LakeJob.Input(LakeTable.CUSTOMERS_CURATED, CustomerTrustedToCurated.JOB)),
          List.of(LakeTable.STEP_TRAINER_TRUSTED),
          List.of(Source.STEP_TRAINER),
          LakeJobs::settings,
          StepTrainerTrusted::buildGraph);

  private StepTrainerTrusted() {}

  public static void main(String[] args) {
    LakeJobs.main(JOB, args);
  }

  public static LakeRun.Result run(LakeOptions options) {
    return LakeRun.run(JOB, options);
  }

  static void buildGraph(Pipeline pipeline, LakeIO io) {
    LakeOptions options = pipeline.getOptions().as(LakeOptions.class);
    PCollection<Customer> customersCurated =
        io.readTable(pipeline, LakeTable.CUSTOMERS_CURATED, TableFormat.CUSTOMER);
    PCollection<StepTrainerReading> landing = readLanding(pipeline, io);
    PCollection<KV<String, Customer>> curatedDevices =
        curatedDevices(attribute(landing, readPhoneEvidence(pipeline, io)), customersCurated);
    io.writeTable(
        LakeTable.STEP_TRAINER_TRUSTED,
        trusted(landing, curatedDevices, customersCurated, options),
        TableFormat.STEP_TRAINER);
  }

  /** Reads step_trainer_landing and writes its quarantine; returns the parsed readings. */
  static PCollection<StepTrainerReading> readLanding(Pipeline pipeline, LakeIO io) {
    LandingRecords<StepTrainerReading> landing =
        io.readLanding(pipeline, Source.STEP_TRAINER, ReadLanding.stepTrainer());
    io.writeQuarantine(Source.STEP_TRAINER, landing.failures());
    return landing.records();
  }

  /** The valid accelerometer landing readings, as evidence of device ownership (no quarantine written). */
  static PCollection<AccelerometerReading> readPhoneEvidence(Pipeline pipeline, LakeIO io) {
    return io.readLandingRecords(pipeline, Source.ACCELEROMETER, ReadLanding.accelerometer());
  }

  /** Each device's owner, from every valid step trainer and accelerometer landing reading. */
  public static PCollection<DeviceAttribution> attribute(
      PCollection<StepTrainerReading> stepTrainerLanding, PCollection<AccelerometerReading> accelerometerLanding) {
    return stepTrainerLanding.apply("AttributeDevicesByTheirReadings", DeviceOwnership.fromPhones(accelerometerLanding));
  }

  /**
   * The devices owned by customers_curated customers. Applied in both ownership modes: its counters
   * measure the serial-number bug for the run report.
   */
  public static PCollection<KV<String, Customer>> curatedDevices(
      PCollection<DeviceAttribution> devices, PCollection<Customer> customersCurated) {
    return devices.apply("KeepDevicesOfCuratedCustomers", OwnedDevices.of(customersCurated));
  }

  /** step_trainer_trusted from step_trainer_landing readings, by the options' ownership rule. */
  public static PCollection<StepTrainerReading> trusted(
      PCollection<StepTrainerReading> landing,
      PCollection<KV<String, Customer>> curatedDevices,
      PCollection<Customer> customersCurated,
      LakeOptions options) {
    SerialNumberJoin join =
        switch (DeviceOwnerRule.of(options.getDeviceOwner())) {
          case READINGS -> SerialNumberJoin.readingsOfOwnedDevices(curatedDevices);
          case SERIAL_NUMBER -> SerialNumberJoin.readingsOf(customersCurated);
        };
    return landing.apply(
        "KeepReadingsOfCuratedDevices", join.withConsentSinceDate(options.getConsentSinceDate()));
  }
}
