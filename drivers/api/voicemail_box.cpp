#include "drivers/api/voicemail_box.hpp"

#include <algorithm>
#include <fstream>

#include <openssl/evp.h>

#include "drivers/log/log.hpp"
#include "events/codec.hpp"
#include "events/variant_cast.hpp"
#include "events/voicemail/voicemail_callback.hpp"

namespace hotline::drivers::api {

namespace vm = events::voicemail;

voicemail_box::voicemail_box(ports::event_store& store, std::string site)
    : store_(store), site_(std::move(site)) {}

voicemail_box::~voicemail_box() {
  if (watching_) watching_->stop();
}

void voicemail_box::apply(const std::string& id, std::uint64_t revision, std::int64_t at_ns,
                          const vm::event& e) {
  std::lock_guard lock{m_};
  auto [it, fresh] = entries_.try_emplace(id);
  if (fresh) it->second.s = vm::initial_state(id);
  if (const auto* left = std::get_if<events::voicemail_left>(&e)) {
    it->second.left_at_ns = at_ns;
    if (!left->call_id.empty()) by_call_[left->call_id] = id;
  }
  it->second.s = vm::evolve(std::move(it->second.s), e);
  it->second.last_revision = revision;
}

namespace {

/// The `call.ended` of `rec`, when it is one.
std::optional<events::call_ended> call_end_of(const events::recorded_event& rec) {
  if (rec.type != events::call_ended::type_name) return std::nullopt;
  auto decoded = events::event_codec::standard().decode(rec);
  if (!decoded) return std::nullopt;
  if (const auto* e = std::get_if<events::call_ended>(&*decoded)) return *e;
  return std::nullopt;
}

} // namespace

events::status voicemail_box::recover() {
  std::vector<std::pair<events::call_ended, std::int64_t>> ends; ///< of calls that left messages
  {
    std::lock_guard writer{writer_};
    auto visited = store_.visit_all(1, SIZE_MAX, [&](const events::recorded_event& rec) {
      recovered_to_ = rec.position;
      const auto category = events::stream_category(rec.stream);
      if (category == "call") {
        // voicemail.left is appended before its call joins the queue, so
        // the message is known by the time its call back ends.
        if (auto end = call_end_of(rec); end && message_of_call(end->call_id))
          ends.emplace_back(std::move(*end), rec.meta.timestamp_ns);
        return events::status{};
      }
      if (category != "voicemail") return events::status{};
      auto decoded = events::event_codec::standard().decode(rec);
      if (!decoded)
        return events::status{decoded.error().code(), rec.stream + " at position " +
                                                          std::to_string(rec.position) + ": " +
                                                          decoded.error().detail()};
      if (auto mine = events::narrow<vm::event>(*decoded))
        apply(std::string(events::stream_entity(rec.stream)), rec.revision, rec.meta.timestamp_ns,
              *mine);
      return events::status{};
    });
    if (!visited) return visited.error();
  }
  for (const auto& [end, at_ns] : ends)
    if (auto id = message_of_call(end.call_id)) mark_called_back(*id, end, at_ns);
  return {};
}

void voicemail_box::watch() {
  if (watching_) return;
  watching_ = store_.subscribe_all(
      recovered_to_ + 1,
      {[this](const events::recorded_event& rec) { observe(rec); },
       [site = site_](ports::subscription_state st, const events::status& why) {
         if (st == ports::subscription_state::dropped && !why.is_ok())
           drivers::log::error(
               "api", "voicemail: call backs no longer mark messages: " + why.message(), site);
       }});
}

std::optional<std::variant<voicemail_entry, events::rejection>>
voicemail_box::observe(const events::recorded_event& rec) {
  if (events::stream_category(rec.stream) != "call") return std::nullopt;
  auto end = call_end_of(rec);
  if (!end) return std::nullopt;
  auto id = message_of_call(end->call_id);
  if (!id) return std::nullopt;
  return mark_called_back(*id, *end, rec.meta.timestamp_ns);
}

std::optional<std::string> voicemail_box::message_of_call(const std::string& call_id) const {
  std::lock_guard lock{m_};
  auto it = by_call_.find(call_id);
  if (it == by_call_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::variant<voicemail_entry, events::rejection>>
voicemail_box::mark_called_back(const std::string& id, const events::call_ended& e,
                                std::int64_t at_ns) {
  auto current = find(id);
  if (!current) return std::nullopt;
  auto cmd = vm::handling_on_call_end(current->s, e);
  if (!cmd) return std::nullopt;
  // Another command may come between find and execute (an agent marking
  // it by hand): execute decides on the state it holds, so that one wins
  // and this one is already_handled.
  auto done = execute(id, *cmd, events::principal::agent(e.agent_id), at_ns);
  if (const auto* no = std::get_if<events::rejection>(&done); no && no->code != "already_handled")
    drivers::log::warning("api",
                          "voicemail " + id + " not marked after its call back " + e.call_id +
                              ": " + no->code + ": " + no->detail,
                          site_);
  return done;
}

std::variant<voicemail_entry, events::rejection>
voicemail_box::execute(const std::string& id, const vm::command& cmd,
                       const events::principal& author, std::int64_t now_ns) {
  std::lock_guard writer{writer_};
  voicemail_entry current;
  current.s = vm::initial_state(id);
  std::optional<std::uint64_t> revision;
  {
    std::lock_guard lock{m_};
    if (auto it = entries_.find(id); it != entries_.end()) {
      current = it->second;
      revision = current.last_revision;
    }
  }
  auto out = vm::decide(cmd, current.s);
  if (!out) return out.error();
  if (out.events().empty()) return current;
  const auto stream = vm::stream_name(id);
  if (!events::is_valid_stream_name(stream))
    return events::rejection{"invalid_argument", "'" + id + "' is no voicemail message id"};
  const auto tenant = std::holds_alternative<vm::leave>(cmd) ? std::get<vm::leave>(cmd).tenant
                                                             : current.s.left.tenant;
  std::vector<events::proposed_event> proposed;
  std::uint64_t next_revision = revision ? *revision + 1 : 0;
  const auto correlation = events::event_id::from_name("voicemail-correlation/" + id);
  for (const auto& e : out.events()) {
    const auto name = "voicemail/" + id + "/" + std::to_string(next_revision++);
    proposed.push_back(events::event_codec::standard().propose(
        events::widen<events::event>(e),
        {events::event_id::uuid_v7(now_ns / 1'000'000, events::event_id::from_name(name)), site_,
         tenant, now_ns, correlation, events::event_id::from_name(name + "/command"), author}));
  }
  auto appended =
      store_.append(stream, ports::expected_revision::after(revision), std::move(proposed));
  if (!appended)
    return events::rejection{"store_failed", "the store refused the append to " + stream + ": " +
                                                 appended.error().message()};
  std::uint64_t rev = revision ? *revision + 1 : 0;
  for (const auto& e : out.events())
    apply(id, rev++, now_ns, e);
  std::lock_guard lock{m_};
  return entries_.at(id);
}

std::optional<voicemail_entry> voicemail_box::find(const std::string& id) const {
  std::lock_guard lock{m_};
  auto it = entries_.find(id);
  if (it == entries_.end() || it->second.s.at == vm::phase::none) return std::nullopt;
  return it->second;
}

std::vector<voicemail_entry> voicemail_box::list(const std::string& tenant,
                                                 const std::string& mailbox) const {
  std::lock_guard lock{m_};
  std::vector<voicemail_entry> out;
  for (const auto& [id, e] : entries_)
    if (e.s.at != vm::phase::none && (tenant == "*" || e.s.left.tenant == tenant) &&
        (mailbox.empty() || e.s.left.mailbox == mailbox))
      out.push_back(e);
  std::stable_sort(out.begin(), out.end(), [](const voicemail_entry& a, const voicemail_entry& b) {
    return a.left_at_ns < b.left_at_ns;
  });
  return out;
}

std::string voicemail_box::verify_file(const voicemail_entry& e) {
  const auto& path = e.s.left.file;
  std::ifstream in(path, std::ios::binary);
  if (!in) return "the recording " + path + " cannot be read";
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  char buf[64 * 1024];
  while (in.read(buf, sizeof buf) || in.gcount() > 0)
    EVP_DigestUpdate(ctx, buf, static_cast<std::size_t>(in.gcount()));
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  static const char* hex = "0123456789abcdef";
  std::string got;
  for (unsigned i = 0; i < len; ++i) {
    got += hex[md[i] >> 4];
    got += hex[md[i] & 15];
  }
  if (got != e.s.left.sha256)
    return "the recording " + path + " changed since it was left (SHA-256 " + got + ", recorded " +
           e.s.left.sha256 + ")";
  return {};
}

} // namespace hotline::drivers::api
