#include "actors/entity_log.hpp"

#include "events/codec.hpp"

namespace hotline::actors {

entity_log::entity_log(const persistence& p, std::string stream, post_fn post)
    : p_(p), stream_(std::move(stream)), post_(std::move(post)) {}

events::event_id call_correlation(const std::string& call_id) {
  return events::event_id::from_name("call-correlation/" + call_id);
}

events::status
entity_log::recover(const std::function<void(const events::event&, std::int64_t)>& apply) {
  const auto& codec = events::event_codec::standard();
  for (;;) {
    auto batch = p_.store->read_stream(stream_, next_revision_, 1024);
    if (!batch) return batch.error();
    if (batch->empty()) return {};
    for (const auto& rec : *batch) {
      auto ev = codec.decode(rec);
      if (!ev)
        return {ev.error().code(), "stream " + stream_ + " revision " +
                                       std::to_string(rec.revision) + ": " + ev.error().detail()};
      apply(*ev, rec.meta.timestamp_ns);
      next_revision_ = rec.revision + 1;
    }
  }
}

void entity_log::append(std::vector<events::event> evs, std::int64_t at_ns,
                        const std::string& tenant, events::principal who,
                        events::event_id correlation,
                        std::function<void(const events::status&)> then) {
  if (evs.empty()) {
    then({});
    return;
  }
  const auto& codec = events::event_codec::standard();
  std::vector<events::proposed_event> batch;
  batch.reserve(evs.size());
  auto expected = next_revision_ == 0 ? drivers::expected_revision::no_stream()
                                      : drivers::expected_revision::exact(next_revision_ - 1);
  for (const auto& e : evs) {
    events::event_meta meta{
        events::event_id::from_name(p_.site + "/" + stream_ + "#" + std::to_string(next_revision_++)),
        p_.site, tenant, at_ns, correlation, {}, who};
    batch.push_back(codec.propose(e, std::move(meta)));
  }
  if (p_.inline_commits) {
    auto r = p_.store->append(stream_, expected, std::move(batch));
    then(r ? events::status{} : r.error());
    return;
  }
  p_.store->append_async(stream_, expected, std::move(batch),
                         [post = post_, then = std::move(then)](
                             events::result<drivers::append_result> r) mutable {
                           events::status st = r ? events::status{} : r.error();
                           post([then = std::move(then), st] { then(st); });
                         });
}

} // namespace hotline::actors
