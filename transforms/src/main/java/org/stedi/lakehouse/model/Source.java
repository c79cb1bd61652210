package org.stedi.lakehouse.model;

import java.util.List;

/** The three landing sources, each with its folder in the lake and the columns of its records. */
public enum Source {
  CUSTOMER("customer", Customer.COLUMNS),
  ACCELEROMETER("accelerometer", AccelerometerReading.COLUMNS),
  STEP_TRAINER("step_trainer", StepTrainerReading.COLUMNS);

  private final String folder;
  private final List<Column> columns;

  Source(String folder, List<Column> columns) {
    this.folder = folder;
    this.columns = columns;
  }

  /** The source's folder under the lake root, such as {@code step_trainer}. */
  public String folder() {
    return folder;
  }

  /** The columns of the source's landing records. */
  public List<Column> columns() {
    return columns;
  }

  /** The folder of rejected landing lines, relative to the lake root. */
  public String quarantinePath() {
    return folder + "/quarantine";
  }
}
