package org.stedi.lakehouse.transforms;

import org.apache.beam.sdk.values.PCollection;

/**
 * The check that the public transforms make of their inputs in {@code expand}: they are batch
 * transforms, since their bucket counts (unless fixed) and side inputs need the whole of each input.
 */
final class BatchInputs {

  private BatchInputs() {}

  /**
   * Throws if one of the inputs is unbounded; null entries (inputs a mode does not use) are skipped.
   *
   * @param transform how the user built the transform, such as {@code "EmailJoin.readingsOf"}
   * @throws IllegalArgumentException naming the transform and the unbounded input
   */
  static void requireBounded(String transform, PCollection<?>... inputs) {
    for (PCollection<?> input : inputs) {
      if (input != null && input.isBounded() == PCollection.IsBounded.UNBOUNDED) {
        throw new IllegalArgumentException(
            transform + " works on bounded (batch) input; the input '" + input.getName() + "' is unbounded");
      }
    }
  }
}
