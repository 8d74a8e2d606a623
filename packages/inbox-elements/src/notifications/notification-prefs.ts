import type { AgentNotification } from '@confab/core';

/** What an agent wants to be notified of, and how. Kept per agent in this browser. */
export interface NotificationPrefs {
  kinds: Record<AgentNotification['kind'], boolean>;
  sound: boolean;
  desktop: boolean;
}

export const DEFAULT_PREFS: NotificationPrefs = {
  kinds: { mention: true, 'new-chat': true, reply: true },
  sound: false,
  desktop: false,
};

const keyOf = (agentId: string) => `confab-inbox:notifications:${agentId}`;

/** The agent's choices, or the defaults (storage may be off or hold something else). */
export function loadPrefs(agentId: string): NotificationPrefs {
  try {
    const stored = JSON.parse(localStorage.getItem(keyOf(agentId)) ?? 'null') as Partial<NotificationPrefs> | null;
    if (!stored || typeof stored !== 'object') return DEFAULT_PREFS;
    return {
      kinds: { ...DEFAULT_PREFS.kinds, ...(typeof stored.kinds === 'object' ? stored.kinds : {}) },
      sound: stored.sound === true,
      desktop: stored.desktop === true,
    };
  } catch {
    return DEFAULT_PREFS;
  }
}

export function savePrefs(agentId: string, prefs: NotificationPrefs): void {
  try {
    localStorage.setItem(keyOf(agentId), JSON.stringify(prefs));
  } catch {
    // Storage may be off (private mode, a sandbox): the choice lasts for this page.
  }
}

/** A short two-note chime, made on the spot: no audio file to fetch or allow in a CSP. */
export function chime(): void {
  try {
    const audio = new AudioContext();
    const gain = audio.createGain();
    gain.connect(audio.destination);
    gain.gain.setValueAtTime(0.08, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.4);
    for (const [index, frequency] of [880, 1320].entries()) {
      const tone = audio.createOscillator();
      tone.frequency.value = frequency;
      tone.connect(gain);
      tone.start(audio.currentTime + index * 0.12);
      tone.stop(audio.currentTime + 0.4);
    }
    setTimeout(() => void audio.close(), 600);
  } catch {
    // No audio here (a policy, a headless browser): the list and the count still tell.
  }
}
