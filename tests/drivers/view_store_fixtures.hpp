#pragma once
// View store factories for the contract suite: each gives a fresh, empty
// view store, and a way around its rules (to plant what a damaged store holds).
#include <doctest/doctest.h>

#include <memory>
#include <stdexcept>
#include <string_view>

#include "drivers/views/memory_view_store.hpp"
#include "drivers/views/rocksdb_view_store.hpp"
#include "tests/support/process.hpp"

namespace hotline::testing {

struct memory_view_store_fixture {
  drivers::memory_view_store views_;
  drivers::view_store& views() { return views_; }
  void put_raw(std::string_view key, std::string_view value) {
    views_.put_raw_for_testing(key, value);
  }
};

struct rocksdb_view_store_fixture {
  temp_dir dir;
  std::unique_ptr<drivers::rocksdb_view_store> views_ = [this] {
    auto v = drivers::rocksdb_view_store::open(dir.path() + "/views");
    if (!v) throw std::runtime_error(v.error().message());
    return std::move(*v);
  }();
  drivers::view_store& views() { return *views_; }
  void put_raw(std::string_view key, std::string_view value) {
    REQUIRE(views_->put_raw_for_testing(key, value).is_ok());
  }
};

} // namespace hotline::testing
