package org.stedi.lakehouse.pipelines.run;

import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;
import org.stedi.lakehouse.pipelines.publish.ObjectStorePublisher;

/**
 * What {@link LakeRun} needs to run any job on a lake, on top of Beam's own options ({@code --runner}
 * first among them) and Beam's S3 options for an {@code s3://} lake ({@code --awsRegion}, {@code
 * --endpoint}, {@code --awsCredentialsProvider}; the AWS SDK's default credentials chain when none
 * is given). The jobs' own options extend it ({@code org.stedi.lakehouse.pipelines.LakeOptions}).
 */
public interface RunOptions extends S3Options {

  @Description(
      "The lake root: a local folder or an s3://bucket/prefix URI, holding customer/, accelerometer/ and "
          + "step_trainer/ with their landing, trusted and curated folders.")
  @Default.String("./lake")
  @Validation.Required
  String getLake();

  void setLake(String lake);

  @Description(
      "On the DirectRunner, which holds every collection in memory, stop before the run when the landing data "
          + "is too big for the JVM's heap (about 12 bytes of heap per byte of landing JSON), naming the lake's size "
          + "and the runners to use instead. false runs anyway.")
  @Default.Boolean(true)
  boolean getDirectRunnerMemoryCheck();

  void setDirectRunnerMemoryCheck(boolean directRunnerMemoryCheck);

  @Description(
      "Parquet files written per partition (per dt= folder of the reading tables, per table for the "
          + "customer tables). Few, large files read fastest in Athena and Spark; one day of scale 100 is a "
          + "few MB.")
  @Default.Integer(1)
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

  @Description(
      "How the five output tables are stored: parquet (folders of Parquet files, published by switching "
          + "folders, as Glue tables over S3 prefixes are read) or iceberg (Apache Iceberg tables, format version "
          + "2, in the catalog that --catalog names: each run is one snapshot, older ones readable by time travel).")
  @Default.String("parquet")
  String getTableFormat();

  void setTableFormat(String tableFormat);

  @Description(
      "With --tableFormat=iceberg, the catalog of the tables: glue (the AWS Glue Data Catalog), rest:URI (an "
          + "Iceberg REST catalog) or jdbc:URL (a JDBC catalog, such as PostgreSQL). Unset on a local lake: the "
          + "lake's embedded SQLite catalog, _catalog/iceberg.db.")
  String getCatalog();

  void setCatalog(String catalog);

  @Description(
      "With --tableFormat=iceberg, how many snapshots of each table a run keeps (its own included): older ones "
          + "are expired and the files only they used are deleted. 1 keeps no history.")
  @Default.Integer(10)
  int getKeepSnapshots();

  void setKeepSnapshots(int keepSnapshots);
}
