package org.stedi.lakehouse.pipelines;

import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;
import org.stedi.lakehouse.pipelines.publish.ObjectStorePublisher;

/**
 * The options every lake pipeline takes, on top of Beam's own ({@code --runner} first among them)
 * and Beam's S3 options for an {@code s3://} lake ({@code --awsRegion}, {@code --endpoint},
 * {@code --awsCredentialsProvider}; the AWS SDK's default credentials chain when none is given).
 * Each option applies where its table is built and is ignored elsewhere, so one command line can
 * drive any pipeline.
 */
public interface LakeOptions extends S3Options {

  @Description(
      "The lake root: a local folder or an s3://bucket/prefix URI, holding customer/, accelerometer/ and "
          + "step_trainer/ with their landing, trusted and curated folders.")
  @Default.String("./lake")
  @Validation.Required
  String getLake();

  void setLake(String lake);

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

  @Description(
      "On the DirectRunner, which holds every collection in memory, stop before the run when the landing data "
          + "is too big for the JVM's heap (about 12 bytes of heap per byte of landing JSON), naming the lake's size "
          + "and the runners to use instead. false runs anyway.")
  @Default.Boolean(true)
  boolean getDirectRunnerMemoryCheck();

  void setDirectRunnerMemoryCheck(boolean directRunnerMemoryCheck);

  @Description(
      "Parquet files written per partition (per dt= folder of the reading tables, per table for the "
          + "customer tables). Few, large files read fastest in Athena and Spark.")
  @Default.Integer(2)
  int getFilesPerPartition();

  void setFilesPerPartition(int filesPerPartition);

  @Description(
      "Address S3 buckets by path (http://host/bucket/key) instead of by host name (bucket.host): for "
          + "S3-compatible servers such as MinIO, Ceph or LocalStack reached through --endpoint.")
  @Default.Boolean(false)
  boolean getPathStyleAccess();

  void setPathStyleAccess(boolean pathStyleAccess);

  @Description(
      "On an s3:// lake, the lease of the lake's lock, in seconds: a run renews its lock every quarter of "
          + "the lease, and a run that died (killed, or cut off from S3) blocks the lake for at most this long "
          + "after its last renewal. Longer than any pause of a live run. A local lake uses an operating-system "
          + "lock instead, released when the process ends.")
  @Default.Integer(ObjectStorePublisher.DEFAULT_LEASE_SECONDS)
  int getLockLeaseSeconds();

  void setLockLeaseSeconds(int lockLeaseSeconds);
}
