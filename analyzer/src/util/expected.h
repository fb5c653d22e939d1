// A value-or-error for fallible library functions (C++20 has no std::expected). Library code never
// prints or exits: it returns an Error whose message names what went wrong and where, and callers
// add context layer by layer with Error::context().
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace nodescope {

struct Error {
  std::string message;
  // Prefixes context such as a path or a phase: "package.json:3:5: " + message.
  Error context(const std::string& where) const { return Error{where + ": " + message}; }
};

template <class T>
class Expected {
 public:
  Expected(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Expected(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace nodescope
