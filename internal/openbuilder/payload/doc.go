// Package payload decodes Open Builder's skill payloads and finds the profile
// plugin's OTP URL in them: liberally in parameter values (the skill-test
// button and live payloads send other types than documented), strictly in the
// ids. It imports only the standard library, so that its fuzz targets build fast.
package payload
