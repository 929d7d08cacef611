import type { DialingView } from './dial-mode.js';

/**
 * One call per free agent, longest waiting first (progressive and agent-first flows): each agent
 * gets the next number due, its own followups included. Once the hopper has nothing for an agent,
 * the rest get nothing either, unless followups owned by someone else may still be due.
 */
export async function dialPerFreeAgent(view: DialingView, now: Date): Promise<void> {
  let empty = false;
  for (const agent of view.freeAgents()) {
    const [numberId] = await view.next(now, 1, agent.agentId);
    if (!numberId) {
      empty = true;
      if (view.hasOwned) continue;
      break;
    }
    await view.claim([numberId], agent);
  }
  if (empty) await view.next(now, 0); // refresh the wallboard's filter counts
}
