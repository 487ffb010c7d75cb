package io.highwater.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccessRulesTest {

  private static Optional<Scope> scope(String method, String path) {
    return AccessRules.API.scopeOf(method, path);
  }

  @Test
  void eachRouteNeedsTheRoleOfTheContract() {
    assertThat(scope("POST", "/v1/apps/bookstore/ws/shop-1/events")).contains(Scope.workspace(Role.WRITE, "bookstore", "shop-1"));
    assertThat(scope("GET", "/v1/apps/bookstore/ws/shop-1/events")).contains(Scope.workspace(Role.READ, "bookstore", "shop-1"));
    assertThat(scope("GET", "/v1/apps/bookstore/ws/shop-1/aggregates/book/1")).contains(Scope.workspace(Role.READ, "bookstore", "shop-1"));
    assertThat(scope("GET", "/v1/apps/bookstore/ws/shop-1/aggregates/book/1/conflicts")).contains(Scope.workspace(Role.READ, "bookstore", "shop-1"));
    assertThat(scope("GET", "/v1/apps/bookstore/ws/shop-1/views/v/k")).contains(Scope.workspace(Role.READ, "bookstore", "shop-1"));
    assertThat(scope("GET", "/v1/apps/bookstore/ws/shop-1/consistency")).contains(Scope.workspace(Role.READ, "bookstore", "shop-1"));
    assertThat(scope("GET", "/v1/apps/bookstore/partitions/2/events")).contains(Scope.app(Role.READ, "bookstore"));
    assertThat(scope("GET", "/v1/apps/bookstore/partitions/2/consistency")).contains(Scope.app(Role.READ, "bookstore"));
    assertThat(scope("POST", "/v1/apps/bookstore/views/v/rebuild")).contains(Scope.app(Role.ADMIN, "bookstore"));
    assertThat(scope("POST", "/v1/apps/bookstore/views/v/partitions/2/resume")).contains(Scope.app(Role.ADMIN, "bookstore"));
    assertThat(scope("POST", "/v1/apps/bookstore/views/v/partitions/2/skip")).contains(Scope.app(Role.ADMIN, "bookstore"));
    assertThat(scope("PUT", "/v1/apps/bookstore")).contains(Scope.app(Role.ADMIN, "bookstore"));
    assertThat(scope("GET", "/v1/apps/bookstore")).contains(Scope.app(Role.READ, "bookstore"));
    assertThat(scope("GET", "/v1/apps")).contains(Scope.everything(Role.READ));
    assertThat(scope("GET", "/v1/cluster")).contains(Scope.everything(Role.ADMIN));
  }

  @Test
  void aCallNoRuleNamesNeedsATokenOnly() {
    assertThat(scope("GET", "/v1/ws")).isEmpty();
    assertThat(scope("GET", "/v1/nothing/here")).isEmpty();
    assertThat(scope("DELETE", "/v1/apps/bookstore/ws/shop-1/events")).isEmpty();
  }

  @Test
  void rulesAddedElsewhereComeFirst() {
    AccessRules more = AccessRules.API.with(AccessRules.rule("GET", "/v1/apps/:app/ws/:ws/secrets", Role.ADMIN));
    assertThat(more.scopeOf("GET", "/v1/apps/a/ws/w/secrets")).contains(Scope.workspace(Role.ADMIN, "a", "w"));
    assertThat(more.scopeOf("GET", "/v1/apps/a/ws/w/events")).contains(Scope.workspace(Role.READ, "a", "w"));
  }
}
