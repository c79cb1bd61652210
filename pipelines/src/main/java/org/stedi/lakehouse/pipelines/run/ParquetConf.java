package org.stedi.lakehouse.pipelines.run;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.ParquetReadOptions;

/**
 * Hadoop's configuration for Parquet's writers and readers, parsed once per JVM. Each {@code new
 * Configuration()} parses Hadoop's default XML resources again when it is first read (about ten
 * milliseconds of CPU), and Parquet's writer builder and {@code ParquetFileReader.open} each make
 * one: once per file written and per footer read, which was a tenth of the CPU of a sample lake run.
 * A copy of a loaded configuration copies its properties and parses nothing.
 */
public final class ParquetConf {
  private static final Configuration LOADED = load();

  private ParquetConf() {}

  private static Configuration load() {
    Configuration conf = new Configuration();
    conf.size(); // parses the default resources now, once
    return conf;
  }

  /** A configuration of its own for one writer or reader, copied from the loaded one. */
  public static Configuration copy() {
    return new Configuration(LOADED);
  }

  /** Read options for one file, on a copy of the loaded configuration. */
  public static ParquetReadOptions readOptions() {
    return HadoopReadOptions.builder(copy()).build();
  }
}
