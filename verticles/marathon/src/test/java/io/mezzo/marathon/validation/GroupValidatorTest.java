package io.mezzo.marathon.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.marathon.model.AppDefinition;
import io.mezzo.marathon.model.Group;
import io.mezzo.marathon.model.MarathonJson;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupValidatorTest {

  private static AppDefinition app(String id, String... deps) {
    return AppDefinition.builder(id).cmd("x").dependencies(List.of(deps)).build();
  }

  @Test
  void dependencyCycle_acrossGroups_isRejected() {
    Group root = Group.of("/", List.of(app("/a", "/prod/b")),
        List.of(Group.of("/prod", List.of(app("/prod/b", "c"), app("/prod/c", "/a")), List.of())));

    assertThat(GroupValidator.validateRoot(root)).containsExactly(new Violation("/", List.of(GroupValidator.CYCLE)));
  }

  @Test
  void cycleThroughGroupDependency_isRejected() {
    Group prod = new Group("/prod", List.of(app("/prod/web")), null, null, List.of("/db"), null, null);
    Group root = Group.of("/", List.of(app("/db", "/prod")), List.of(prod));

    assertThat(GroupValidator.validateRoot(root)).extracting(Violation::path).containsExactly("/");
  }

  @Test
  void acyclicTree_withRelativeIds_isValid() throws Exception {
    Group root = MarathonJson.readGroup("{\"id\":\"/\",\"groups\":[{\"id\":\"prod\",\"apps\":["
        + "{\"id\":\"web\",\"cmd\":\"x\",\"dependencies\":[\"db\"]},{\"id\":\"db\",\"cmd\":\"x\"}]}]}");

    assertThat(GroupValidator.validateRoot(root)).isEmpty();
  }

  @Test
  void appOutsideItsGroup_andBadAppFields_areReportedWithNestedPaths() {
    Group prod = Group.of("/prod", List.of(app("/dev/web"), AppDefinition.builder("ok").cmd("x").mem(-1.0).build()),
        List.of());
    List<Violation> v = GroupValidator.validateRoot(Group.of("/", List.of(), List.of(prod)));

    assertThat(v).extracting(Violation::path).containsExactly("/groups(0)/apps(0)/id", "/groups(0)/apps(1)/mem");
  }

  @Test
  void appAndGroupWithSameId_isRejected() {
    Group root = Group.of("/", List.of(app("/prod")), List.of(Group.of("/prod", List.of(), List.of())));

    assertThat(GroupValidator.validateRoot(root)).flatExtracting(Violation::errors).contains(GroupValidator.SAME_ID);
  }
}
