package org.stedi.lakehouse.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The contract's reading rule, as every reader and publisher of the lake applies it. */
class HiddenNamesTest {
  @Test
  void aFileIsVisibleWhenNoNameBelowTheFolderStartsWithAnUnderscoreOrADot() {
    assertTrue(HiddenNames.isVisible("s3://b/lake/customer/landing", "s3://b/lake/customer/landing/2022/part-0.json"));
    assertTrue(HiddenNames.isVisible("/lake/_tables/x", "/lake/_tables/x/part-0.json"), "the folder's own names are not checked");
    assertFalse(HiddenNames.isVisible("/lake/t", "/lake/t/_SUCCESS"));
    assertFalse(HiddenNames.isVisible("/lake/t", "/lake/t/.part-0.parquet.crc"));
    assertFalse(HiddenNames.isVisible("/lake/t", "/lake/t/_temporary/0/part-0.parquet"));
    assertFalse(HiddenNames.isVisible("/lake/t", "/lake/t/dt=2022-06-01/.staging/part-0.parquet"));
    assertFalse(HiddenNames.isVisible("/lake/t", "/lake/other/part-0.parquet"), "a file outside the folder");
    assertFalse(HiddenNames.isVisible("/lake/t", "/lake/t/"), "the folder itself");
  }

  @Test
  void aTableFileIsAVisibleParquetFile() {
    assertTrue(HiddenNames.isTableFile("/lake/t", "/lake/t/dt=2022-06-01/part-0.parquet"));
    assertFalse(HiddenNames.isTableFile("/lake/t", "/lake/t/dt=2022-06-01/part-0.json"));
    assertFalse(HiddenNames.isTableFile("/lake/t", "/lake/t/_temporary/part-0.parquet"));
  }

  @Test
  void aRelativePathHasAHiddenNameWhenAnyOfItsNamesIs() {
    assertTrue(HiddenNames.hasHiddenName("_journal.json"));
    assertTrue(HiddenNames.hasHiddenName("dt=2022-06-01/.part-0.crc"));
    assertFalse(HiddenNames.hasHiddenName("dt=2022-06-01/part-0.parquet"));
  }
}
