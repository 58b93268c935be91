# frozen_string_literal: true

# Referee for FASTLANE_SESSION values: loads a session exactly the way fastlane's spaceship does
# (spaceship/lib/spaceship/client.rb `load_session_from_env`) and reports what the real
# http-cookie jar ends up holding and which Cookie header it would send to Apple's hosts.
#
# Input (one of):
#   ruby load_session.rb             session text from $FASTLANE_SESSION || $SPACESHIP_SESSION if set,
#                                    else from stdin (raw text)
#   ruby load_session.rb --batch     stdin is a JSON array of session texts; prints a JSON array of
#                                    results in the same order (one Ruby process for a whole fuzz run)
#   --urls URL,URL                   also report the Cookie header for these URLs (any path), e.g. the
#                                    olympus session check's, to compare with the Steps' own jar
#
# Output (stdout, one JSON document):
#   {"ok":true,"loaded":true,"cookies":[{name,value,domain,for_domain,path,secure,httponly,expires,session}],
#    "sent":{"https://idmsa.apple.com/":"<Cookie header>",...}}
#   {"ok":false,"error":"<class>: <message>","error_class":"<class>","message":"<message>"}
# A load error is a result, not a failure of this script: the exit status is 0. Only bad usage
# (e.g. --batch input that is not a JSON array of strings) exits non-zero.

require 'json'
require 'tempfile'
require 'http-cookie'

# The hosts spaceship talks to; the Cookie header each would receive shows domain matching
# (idmsa.apple.com cookies must not leak to appstoreconnect.apple.com, apple.com ones must reach both).
SENT_URLS = %w[
  https://idmsa.apple.com/
  https://appstoreconnect.apple.com/
  https://developer.apple.com/
  https://apple.com/
].freeze

urls_at = ARGV.index('--urls')
EXTRA_URLS = urls_at ? ARGV.fetch(urls_at + 1, '').split(',') : []

# JSON.generate raises on invalid UTF-8; a YAML "\xNN" escape can produce such strings. Scrub them
# so one odd cookie cannot abort a whole batch; the replacement character makes the change visible.
def utf8(value)
  return value unless value.is_a?(String)
  return value if value.encoding == Encoding::UTF_8 && value.valid_encoding?

  value.dup.force_encoding(Encoding::UTF_8).scrub
end

def cookie_json(cookie)
  {
    'name' => utf8(cookie.name),
    'value' => utf8(cookie.value),
    'domain' => utf8(cookie.domain),
    'for_domain' => cookie.for_domain?,
    'path' => utf8(cookie.path),
    'secure' => cookie.secure? ? true : false,
    'httponly' => cookie.httponly? ? true : false,
    'expires' => cookie.expires&.utc&.iso8601,
    'session' => cookie.session?,
  }
end

# Mirrors fastlane's load_session_from_env step by step:
#   return if the value is empty;
#   Tempfile.new('cookie.yml'); write(value.gsub("\\n", "\n")); close;
#   @cookie.load(file.path) on an HTTP::CookieJar.new (default format :yaml);
#   unlink in ensure; any StandardError is re-raised (fatal in fastlane).
def load_session(session)
  jar = HTTP::CookieJar.new
  loaded = false
  unless session.to_s.empty?
    file = Tempfile.new('cookie.yml')
    begin
      file.write(session.gsub("\\n", "\n"))
      file.close
      jar.load(file.path)
      loaded = true
    ensure
      file.unlink
    end
  end
  {
    'ok' => true,
    # false when fastlane would skip loading because the value is empty
    'loaded' => loaded,
    'cookies' => jar.map { |cookie| cookie_json(cookie) },
    'sent' => (SENT_URLS + EXTRA_URLS).to_h { |url| [url, utf8(HTTP::Cookie.cookie_value(jar.cookies(URI(url))))] },
  }
# StandardError is what fastlane's `rescue => ex` sees. SystemStackError (deeply nested YAML) is
# outside it and would crash fastlane too; catching it keeps a batch going and still reports failure.
rescue StandardError, SystemStackError => e
  message = utf8(e.message.to_s)
  { 'ok' => false, 'error' => "#{e.class}: #{message}", 'error_class' => e.class.name, 'message' => message }
end

if ARGV.include?('--batch')
  input = $stdin.read
  sessions = begin
    JSON.parse(input)
  rescue JSON::ParserError => e
    warn "load_session.rb --batch: stdin is not JSON: #{e.message}"
    exit 2
  end
  unless sessions.is_a?(Array) && sessions.all? { |s| s.is_a?(String) }
    warn 'load_session.rb --batch: stdin must be a JSON array of strings'
    exit 2
  end
  $stdout.write(JSON.generate(sessions.map { |session| load_session(session) }))
else
  session = ENV['FASTLANE_SESSION'] || ENV['SPACESHIP_SESSION'] || $stdin.read
  $stdout.write(JSON.generate(load_session(session)))
end
$stdout.write("\n")
