package org.stedi.lakehouse.transforms;

import java.io.Serializable;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.join.RawUnionValue;
import org.apache.beam.sdk.transforms.join.UnionCoder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.StepTrainerReading;

/**
 * Bucketed grouping: instead of one shuffle key per join or de-duplication key, elements are
 * grouped into {@code B} buckets by a stable hash of their key. {@code B} is the pipeline's {@link
 * GroupingOptions#getBuckets()} when it sets one (the lake pipelines size it from the landing data
 * before the run); otherwise it is counted from the data, {@code ceil(n / e)} for {@code n}
 * elements in all and {@code e} the pipeline's {@link GroupingOptions#getElementsPerBucket()}
 * (100,000 by default), at the cost of a pass over the input and a side input. Either way each
 * bucket holds a bounded number of elements, so the work of one bucket fits in a worker's memory,
 * and the number of shuffle groups grows with the data rather than with the number of distinct
 * keys.
 *
 * <p>Why: a runner pays a fixed cost per group (the DirectRunner about a millisecond per key, Spark
 * and Flink an object and a call per key); grouping millions of distinct readings one key each is
 * slower everywhere than grouping them a hundred thousand at a time. All copies of one key land in
 * the same bucket, so per-key logic (de-duplication, joins) stays exact. Like the transforms that
 * use it, it is for bounded collections in the global window (batch).
 */
final class Buckets {

  private Buckets() {}

  /**
   * The number of buckets of a grouping of the given collections: {@link
   * GroupingOptions#getBuckets()} when the pipeline sets it (no extra step), else counted from the
   * collections' total size ({@code ceil(n / --elementsPerBucket)}), which costs a pass over them
   * and a singleton side input.
   */
  static Count countFor(String name, List<PCollection<?>> inputs) {
    GroupingOptions options = inputs.get(0).getPipeline().getOptions().as(GroupingOptions.class);
    Integer fixed = options.getBuckets();
    if (fixed != null) {
      if (fixed < 1) {
        throw new IllegalArgumentException("--buckets must be at least 1, got " + fixed);
      }
      return new Count(fixed, null);
    }
    long elementsPerBucket = options.getElementsPerBucket();
    if (elementsPerBucket < 1) {
      throw new IllegalArgumentException("--elementsPerBucket must be at least 1, got " + elementsPerBucket);
    }
    PCollectionList<Long> ones = PCollectionList.empty(inputs.get(0).getPipeline());
    for (int i = 0; i < inputs.size(); i++) {
      ones = ones.and(countOnes(name + "Input" + i, inputs.get(i)));
    }
    // Without defaults and with a default view value: an empty input costs no extra steps.
    return new Count(
        0,
        ones.apply("Flatten" + name + "Counts", Flatten.pCollections())
            .apply("Sum" + name + "Counts", Sum.longsGlobally().withoutDefaults())
            .apply("BucketsFor" + name, ParDo.of(new BucketCountFn(elementsPerBucket)))
            .apply("View" + name + "Buckets", View.<Integer>asSingleton().withDefaultValue(1)));
  }

  /**
   * A grouping's number of buckets: fixed, or a side input counted from the data.
   *
   * @param fixed the number of buckets, when {@code counted} is null
   * @param counted the counted number of buckets, or null
   */
  record Count(int fixed, PCollectionView<Integer> counted) implements Serializable {}

  private static <T> PCollection<Long> countOnes(String name, PCollection<T> input) {
    return input.apply("Count" + name, ParDo.of(new BundleCountFn<T>())).setCoder(VarLongCoder.of());
  }

  /** Emits the number of elements of each bundle, so that the global sum sees few values. */
  private static final class BundleCountFn<T> extends DoFn<T, Long> {
    private transient long count;

    @StartBundle
    public void startBundle() {
      count = 0;
    }

    @ProcessElement
    public void processElement(@Element T element) {
      count++;
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      if (count > 0) {
        context.output(count, BoundedWindow.TIMESTAMP_MIN_VALUE, GlobalWindow.INSTANCE);
      }
    }
  }

  /** Keys each element by its bucket: a stable hash of its key, spread and reduced modulo B. */
  static <T> PCollection<KV<Integer, T>> assign(
      String name,
      PCollection<T> input,
      SerializableFunction<T, Integer> keyHash,
      Count buckets,
      Coder<T> coder) {
    ParDo.SingleOutput<T, KV<Integer, T>> assign = ParDo.of(new AssignFn<>(keyHash, buckets));
    return input
        .apply(name, buckets.counted() == null ? assign : assign.withSideInputs(buckets.counted()))
        .setCoder(KvCoder.of(VarIntCoder.of(), coder));
  }

  /**
   * Groups two bucketed collections by bucket into one iterable per bucket, each element tagged
   * {@link #FIRST} or {@link #SECOND} by the collection it came from: one composite step named
   * {@code name}.
   *
   * <p>Unlike {@code CoGroupByKey}, whose {@code CoGbkResult} reads a group a second time once it
   * holds more than 10,000 elements (which Flink's batch GroupByKey refuses by default), the
   * result is meant to be read once: a consumer keeps what it needs of one side and then uses it.
   */
  static <A, B> PCollection<KV<Integer, Iterable<RawUnionValue>>> coGroup(
      String name, PCollection<KV<Integer, A>> first, PCollection<KV<Integer, B>> second) {
    TupleTag<KV<Integer, A>> firstTag = new TupleTag<>("first");
    TupleTag<KV<Integer, B>> secondTag = new TupleTag<>("second");
    return PCollectionTuple.of(firstTag, first)
        .and(secondTag, second)
        .apply(name, new CoGroup<>(firstTag, secondTag));
  }

  /** The composite of {@link #coGroup}: tag each side, flatten, group by bucket. */
  private static final class CoGroup<A, B>
      extends PTransform<PCollectionTuple, PCollection<KV<Integer, Iterable<RawUnionValue>>>> {
    private final TupleTag<KV<Integer, A>> firstTag;
    private final TupleTag<KV<Integer, B>> secondTag;

    CoGroup(TupleTag<KV<Integer, A>> firstTag, TupleTag<KV<Integer, B>> secondTag) {
      this.firstTag = firstTag;
      this.secondTag = secondTag;
    }

    @Override
    public PCollection<KV<Integer, Iterable<RawUnionValue>>> expand(PCollectionTuple input) {
      PCollection<KV<Integer, A>> first = input.get(firstTag);
      PCollection<KV<Integer, B>> second = input.get(secondTag);
      UnionCoder union = UnionCoder.of(List.of(valueCoder(first), valueCoder(second)));
      KvCoder<Integer, RawUnionValue> tagged = KvCoder.of(VarIntCoder.of(), union);
      return PCollectionList.of(first.apply("TagFirst", ParDo.of(new TagFn<A>(FIRST))).setCoder(tagged))
          .and(second.apply("TagSecond", ParDo.of(new TagFn<B>(SECOND))).setCoder(tagged))
          .apply("Flatten", Flatten.pCollections())
          .apply("GroupByBucket", GroupByKey.create());
    }
  }

  /** The tag of {@link #coGroup}'s elements from its first collection. */
  static final int FIRST = 0;

  /** The tag of {@link #coGroup}'s elements from its second collection. */
  static final int SECOND = 1;

  @SuppressWarnings("unchecked")
  private static <T> Coder<T> valueCoder(PCollection<KV<Integer, T>> bucketed) {
    return ((KvCoder<Integer, T>) bucketed.getCoder()).getValueCoder();
  }

  private static final class TagFn<T> extends DoFn<KV<Integer, T>, KV<Integer, RawUnionValue>> {
    private final int tag;

    TagFn(int tag) {
      this.tag = tag;
    }

    @ProcessElement
    public void processElement(@Element KV<Integer, T> element, OutputReceiver<KV<Integer, RawUnionValue>> out) {
      out.output(KV.of(element.getKey(), new RawUnionValue(tag, element.getValue())));
    }
  }

  /** The bucket of a key hash among {@code buckets}: the hash is mixed first, so that similar keys spread. */
  static int bucketOf(int hash, int buckets) {
    int h = hash;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return Math.floorMod(h, buckets);
  }

  /** A hash of a string and a long, stable across JVMs (String and Long hash codes are specified). */
  static int hash(String text, long number) {
    return 31 * text.hashCode() + Long.hashCode(number);
  }

  /** A stable hash of all fields of an accelerometer reading. */
  static int hash(AccelerometerReading r) {
    int h = hash(r.user(), r.timestamp());
    h = 31 * h + Double.hashCode(r.x());
    h = 31 * h + Double.hashCode(r.y());
    return 31 * h + Double.hashCode(r.z());
  }

  /** A stable hash of all fields of a step trainer reading. */
  static int hash(StepTrainerReading r) {
    return 31 * hash(r.serialNumber(), r.sensorReadingTime()) + Long.hashCode(r.distanceFromObject());
  }

  private static final class BucketCountFn extends DoFn<Long, Integer> {
    private final long elementsPerBucket;

    BucketCountFn(long elementsPerBucket) {
      this.elementsPerBucket = elementsPerBucket;
    }

    @ProcessElement
    public void processElement(@Element Long total, OutputReceiver<Integer> out) {
      long buckets = (total + elementsPerBucket - 1) / elementsPerBucket;
      out.output((int) Math.max(1, Math.min(buckets, 1 << 20)));
    }
  }

  private static final class AssignFn<T> extends DoFn<T, KV<Integer, T>> {
    private final SerializableFunction<T, Integer> keyHash;
    private final Count buckets;
    // The count of this bundle, read once from the side input when it is counted.
    private transient int count;

    AssignFn(SerializableFunction<T, Integer> keyHash, Count buckets) {
      this.keyHash = keyHash;
      this.buckets = buckets;
    }

    @StartBundle
    public void startBundle() {
      count = buckets.counted() == null ? buckets.fixed() : 0;
    }

    @ProcessElement
    public void processElement(ProcessContext c) {
      if (count == 0) {
        count = c.sideInput(buckets.counted());
      }
      T element = c.element();
      c.output(KV.of(bucketOf(keyHash.apply(element), count), element));
    }
  }
}
