package org.stedi.lakehouse.pipelines.run;

/**
 * A failure the user can act on (a missing lake, a table not yet built, another run on the lake, a
 * run that failed): its message is one line that says what is wrong and what to do.
 */
public final class LakeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LakeException(String message) {
    super(message);
  }

  public LakeException(String message, Throwable cause) {
    super(message, cause);
  }
}
