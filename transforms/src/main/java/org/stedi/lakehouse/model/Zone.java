package org.stedi.lakehouse.model;

import java.util.Locale;

/** The zones of the lake, in the order data moves through them. */
public enum Zone {
  /** Raw newline-delimited JSON as the sources delivered it. */
  LANDING,
  /** Validated records of consenting customers only. */
  TRUSTED,
  /** Joined tables ready for analytics and model training. */
  CURATED;

  /** The zone's folder name under a source's folder. */
  public String folder() {
    return name().toLowerCase(Locale.ROOT);
  }
}
