package org.stedi.lakehouse.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.model.Zone;
import org.stedi.lakehouse.pipelines.run.LakeJob;
import org.stedi.lakehouse.pipelines.run.UnknownOptionException;

/** The one list of jobs agrees with itself and with the lake's tables. */
class LakeJobsTest {

  @Test
  void namesAreUniqueAndTheLakehouseComesFirst() {
    assertEquals("lakehouse", LakeJobs.names().get(0));
    assertEquals(LakeJobs.ALL.size(), new HashSet<>(LakeJobs.names()).size());
    assertEquals(Lakehouse.JOB, LakeJobs.byName("lakehouse").orElseThrow());
    assertTrue(LakeJobs.byName("no_such_job").isEmpty());
  }

  @Test
  void everyTableOutsideLandingIsBuiltByExactlyOneZoneTransitionAndAllByTheLakehouse() {
    List<LakeTable> built = new ArrayList<>();
    LakeJobs.ZONE_TRANSITIONS.forEach(job -> built.addAll(job.outputs()));
    List<LakeTable> tables = Stream.of(LakeTable.values()).filter(t -> t.zone() != Zone.LANDING).toList();
    assertEquals(Set.copyOf(tables), Set.copyOf(built));
    assertEquals(tables.size(), built.size(), "a table built twice: " + built);
    assertEquals(Set.copyOf(tables), Set.copyOf(Lakehouse.JOB.outputs()));
  }

  @Test
  void eachZoneTransitionReadsOnlyTablesThatAnEarlierOneBuilds() {
    Set<LakeJob> earlier = new HashSet<>();
    for (LakeJob job : LakeJobs.ZONE_TRANSITIONS) {
      for (LakeJob.Input input : job.inputs()) {
        assertTrue(earlier.contains(input.builtBy()), job.name() + " reads " + input.table() + " before it is built");
      }
      earlier.add(job);
    }
  }

  @Test
  void theGroupingOptionParsesAndAnUnknownOptionIsNamed() {
    assertEquals(1000, LakeJobs.parseOptions("--elementsPerBucket=1000").getElementsPerBucket());
    UnknownOptionException unknown = assertThrows(UnknownOptionException.class, () -> LakeJobs.parseOptions("--bogus=1"));
    assertEquals("bogus", unknown.option());
    assertEquals("unknown option --bogus", unknown.getMessage());
    UnknownOptionException near = assertThrows(UnknownOptionException.class, () -> LakeJobs.parseOptions("--lakee=x"));
    assertTrue(near.getMessage().startsWith("unknown option --lakee (did you mean --lake"), near.getMessage());
  }
}
