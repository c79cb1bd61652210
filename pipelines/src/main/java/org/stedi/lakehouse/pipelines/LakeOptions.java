package org.stedi.lakehouse.pipelines;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.stedi.lakehouse.model.DeviceOwnerRule;
import org.stedi.lakehouse.pipelines.run.RunOptions;
import org.stedi.lakehouse.transforms.GroupingOptions;

/**
 * The options every lake pipeline takes: the run's ({@link RunOptions}: the lake, files per partition,
 * S3 and the lock), the transforms' grouping ({@link GroupingOptions}) and the rules of the tables.
 * Each option applies where its table is built and is ignored elsewhere, so one command line can
 * drive any pipeline.
 */
public interface LakeOptions extends RunOptions, GroupingOptions {

  @Description(
      "Drop readings taken before the customer's shareWithResearchAsOfDate (accelerometer_trusted, "
          + "step_trainer_trusted, and so machine_learning_curated). Off by default.")
  @Default.Boolean(false)
  boolean getConsentSinceDate();

  void setConsentSinceDate(boolean consentSinceDate);

  @Description(
      "Whose device a step trainer reading is: 'readings' (the default) decides each device's owner from the "
          + "readings themselves, the phone that records at the device's reading times (docs/contract.md, Device "
          + "ownership); 'serialNumber' takes the customers whose serialNumber field names the device, as the "
          + "course's rubric and most hand-written Glue jobs do. Under the serial-number bug (customer records "
          + "reuse 30 serial numbers) 'serialNumber' admits readings of devices whose owner never consented and "
          + "loses most training pairs: use it only to reproduce such jobs.")
  @Default.String(DeviceOwnerRule.DEFAULT)
  String getDeviceOwner();

  void setDeviceOwner(String deviceOwner);

  @Description(
      "Pair machine_learning_curated on the millisecond alone, as many hand-written Glue jobs do. This pairs "
          + "one customer's step trainer with another customer's phone when their readings share a millisecond. "
          + "Off by default (pairs each device's readings with its owner's phone at the same millisecond).")
  @Default.Boolean(false)
  boolean getPairOnTimestampOnly();

  void setPairOnTimestampOnly(boolean pairOnTimestampOnly);
}
