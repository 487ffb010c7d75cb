package io.highwater.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class GrantsTest {

  private static Grants grants(String... grants) {
    return new Grants(List.of(grants).stream().map(Grant::parse).toList());
  }

  @Test
  void aNameMatchesItselfOnlyAndAPrefixWhatStartsWithIt() {
    Grants g = grants("bookstore:shop-*:write");
    assertThat(g.permit(Scope.workspace(Role.WRITE, "bookstore", "shop-1"))).isTrue();
    assertThat(g.permit(Scope.workspace(Role.READ, "bookstore", "shop-"))).isTrue();
    assertThat(g.permit(Scope.workspace(Role.READ, "bookstore", "shop"))).isFalse();
    assertThat(g.permit(Scope.workspace(Role.READ, "bookstores", "shop-1"))).isFalse();
    assertThat(g.permit(Scope.workspace(Role.READ, "book", "shop-1"))).isFalse();
    assertThat(grants("bookstore:shop-1:read").permit(Scope.workspace(Role.READ, "bookstore", "shop-10"))).isFalse();
  }

  @Test
  void rolesIncludeTheOnesBelowThem() {
    assertThat(grants("a:w:read").permit(Scope.workspace(Role.WRITE, "a", "w"))).isFalse();
    assertThat(grants("a:w:write").permit(Scope.workspace(Role.READ, "a", "w"))).isTrue();
    assertThat(grants("a:w:write").permit(Scope.workspace(Role.ADMIN, "a", "w"))).isFalse();
    assertThat(grants("a:w:admin").permit(Scope.workspace(Role.WRITE, "a", "w"))).isTrue();
  }

  @Test
  void aCallOverEveryWorkspaceOrAppNeedsAStarThere() {
    assertThat(grants("a:shop-*:admin").permit(Scope.app(Role.READ, "a"))).isFalse();
    assertThat(grants("a:*:read").permit(Scope.app(Role.READ, "a"))).isTrue();
    assertThat(grants("a*:*:admin").permit(Scope.everything(Role.ADMIN))).isFalse();
    assertThat(grants("*:*:admin").permit(Scope.everything(Role.ADMIN))).isTrue();
  }

  @Test
  void anyGrantMayAllowACallAndNoneIsNothing() {
    Grants g = grants("bookstore:shop-*:write", "*:*:read");
    assertThat(g.permit(Scope.workspace(Role.READ, "library", "x"))).isTrue();
    assertThat(g.permit(Scope.workspace(Role.WRITE, "library", "x"))).isFalse();
    assertThat(new Grants(List.of()).permit(Scope.workspace(Role.READ, "a", "w"))).isFalse();
  }

  @Test
  void malformedGrantsNameTheirField() {
    assertThatThrownBy(() -> Grant.parse("a:b")).hasMessageContaining("app:ws:role");
    assertThatThrownBy(() -> Grant.parse("a:b:owner")).hasMessageContaining("role").hasMessageContaining("owner");
    assertThatThrownBy(() -> Grant.parse("a:*b:read")).hasMessageContaining("ws: '*' may only end");
    assertThatThrownBy(() -> Grant.parse(":b:read")).hasMessageContaining("app:");
  }
}
