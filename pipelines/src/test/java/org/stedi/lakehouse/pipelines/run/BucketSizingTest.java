package org.stedi.lakehouse.pipelines.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.stedi.lakehouse.pipelines.LakeJobs;
import org.stedi.lakehouse.pipelines.LakeOptions;

/** How a run sizes {@code --buckets} from its landing data when the command line leaves it out. */
class BucketSizingTest {

  @Test
  void aSmallLakeGetsTwoBucketsPerProcessor() {
    assertEquals(4, LakeRun.bucketsFor(11_000_000, 100_000, 2));
    assertEquals(16, LakeRun.bucketsFor(0, 100_000, 8));
  }

  @Test
  void aLargeLakeGetsAboutElementsPerBucketLandingLinesPerBucket() {
    // 1.1 GB of landing JSON, about 11 million lines: 110 buckets of 100,000 lines.
    assertEquals(110, LakeRun.bucketsFor(1_100_000_000L, 100_000, 2));
    assertEquals(1_100, LakeRun.bucketsFor(1_100_000_000L, 10_000, 2));
    // One line over a bucket's worth makes one more bucket.
    assertEquals(5, LakeRun.bucketsFor(4 * 100 * 10 + 1, 10, 1));
  }

  @Test
  void aGivenBucketCountIsKept() {
    LakeOptions options = LakeJobs.parseOptions("--buckets=3");
    LakeRun.sizeBuckets(options, 1_100_000_000L);
    assertEquals(3, options.getBuckets());
  }

  @Test
  void anUnsetBucketCountIsSizedFromTheLandingBytes() {
    LakeOptions options = LakeJobs.parseOptions("--elementsPerBucket=1000");
    LakeRun.sizeBuckets(options, 1_000_000_000L);
    assertEquals(10_000, options.getBuckets());
  }

  @Test
  void elementsPerBucketBelowOneIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LakeRun.bucketsFor(1, 0, 2));
    assertEquals("--elementsPerBucket must be at least 1, got 0", e.getMessage());
  }
}
