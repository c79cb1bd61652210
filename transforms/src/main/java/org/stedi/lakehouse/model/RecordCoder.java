package org.stedi.lakehouse.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.CoderProviders;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * Base of the hand-written record coders: deterministic (the same record always encodes to the same
 * bytes, so records can be grouping keys) and consistent with the records' {@code equals}.
 */
abstract class RecordCoder<T> extends AtomicCoder<T> {

  @Override
  public abstract void encode(T value, OutputStream out) throws IOException;

  @Override
  public abstract T decode(InputStream in) throws IOException;

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean consistentWithEquals() {
    return true;
  }

  static <T> CoderProvider providerFor(Class<T> type, RecordCoder<T> coder) {
    return CoderProviders.forCoder(TypeDescriptor.of(type), coder);
  }
}
