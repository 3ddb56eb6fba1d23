//! Transition tests with a fake clock: no terminal, no network, no sleeping.

use std::time::Duration;

use super::*;

fn s(secs: u64) -> Duration {
    Duration::from_secs(secs)
}

fn plan(budgets: &[Option<u64>], total: Option<u64>, hard_stop: bool) -> Plan {
    Plan {
        questions: budgets
            .iter()
            .enumerate()
            .map(|(i, b)| PlannedQuestion { question_id: format!("q{i}"), budget: b.map(s) })
            .collect(),
        total: total.map(s),
        hard_stop,
        start_at: 0,
        already_used: Duration::ZERO,
        followups: 0,
        followup_budget: None,
    }
}

fn started(p: Plan) -> Engine {
    let mut e = Engine::new(p);
    e.handle(Event::Start { now: s(0) });
    e
}

fn answer(e: &mut Engine, at: u64, text: &str) -> Vec<Effect> {
    e.handle(Event::Answer { now: s(at), text: text.into() })
}

fn cmd(e: &mut Engine, at: u64, command: Command) -> Vec<Effect> {
    e.handle(Event::Command { now: s(at), command })
}

fn tick(e: &mut Engine, at: u64) -> Vec<Effect> {
    e.handle(Event::Tick { now: s(at) })
}

fn recorded(effects: &[Effect]) -> Vec<&Outcome> {
    effects.iter().filter_map(|e| if let Effect::Record(o) = e { Some(o) } else { None }).collect()
}

#[test]
fn start_asks_the_first_question() {
    let mut e = Engine::new(plan(&[Some(240), Some(300)], None, true));
    assert_eq!(e.handle(Event::Start { now: s(0) }), vec![Effect::Ask { index: 0, of: 2, budget: Some(s(240)) }]);
    assert_eq!(e.current(), Some(0));
}

#[test]
fn an_empty_plan_finishes_at_once() {
    let mut e = Engine::new(plan(&[], None, true));
    assert_eq!(e.handle(Event::Start { now: s(0) }), vec![Effect::Finish(FinishReason::Completed)]);
    assert!(e.finished());
}

#[test]
fn answers_are_recorded_then_the_next_is_asked_then_it_finishes() {
    let mut e = started(plan(&[Some(240), Some(240)], None, true));
    let fx = answer(&mut e, 30, "  the GIL  ");
    assert_eq!(
        fx,
        vec![
            Effect::Record(Outcome {
                index: 0,
                answer: "the GIL".into(),
                seconds: 30.0,
                timed_out: false,
                skipped: false,
                started: s(0),
                ended: s(30),
                followup: None,
            }),
            Effect::Ask { index: 1, of: 2, budget: Some(s(240)) },
        ]
    );
    let fx = answer(&mut e, 100, "second");
    assert_eq!(recorded(&fx)[0].seconds, 70.0);
    assert_eq!(fx.last(), Some(&Effect::Finish(FinishReason::Completed)));
    assert!(e.finished());
}

#[test]
fn an_empty_answer_is_not_recorded() {
    let mut e = started(plan(&[None], None, true));
    let fx = answer(&mut e, 1, "   \n ");
    assert!(matches!(fx.as_slice(), [Effect::Notice(n)] if n.contains("/skip")));
    assert_eq!(e.current(), Some(0));
}

#[test]
fn skip_records_a_skipped_empty_answer() {
    let mut e = started(plan(&[None, None], None, true));
    let fx = cmd(&mut e, 5, Command::Skip);
    let o = recorded(&fx)[0];
    assert!(o.skipped && !o.timed_out && o.answer.is_empty());
    assert_eq!(e.current(), Some(1));
}

#[test]
fn repeat_asks_again_without_resetting_the_clock() {
    let mut e = started(plan(&[Some(100)], None, true));
    assert_eq!(cmd(&mut e, 50, Command::Repeat), vec![Effect::Ask { index: 0, of: 1, budget: Some(s(100)) }]);
    assert_eq!(e.time_left(s(50)).0, Some(s(50)));
    assert_eq!(recorded(&answer(&mut e, 60, "x"))[0].seconds, 60.0);
}

#[test]
fn warnings_come_at_60_and_15_seconds_once_each() {
    let mut e = started(plan(&[Some(240)], None, true));
    assert_eq!(tick(&mut e, 100), vec![]);
    assert_eq!(tick(&mut e, 180), vec![Effect::Warn { index: 0, remaining: s(60) }]);
    assert_eq!(tick(&mut e, 181), vec![]);
    assert_eq!(tick(&mut e, 225), vec![Effect::Warn { index: 0, remaining: s(15) }]);
    assert_eq!(tick(&mut e, 226), vec![]);
}

#[test]
fn a_short_budget_warns_only_at_15_seconds() {
    let mut e = started(plan(&[Some(30)], None, true));
    assert_eq!(tick(&mut e, 10), vec![]);
    assert_eq!(tick(&mut e, 16), vec![Effect::Warn { index: 0, remaining: s(14) }]);
}

#[test]
fn a_jump_past_both_thresholds_warns_once() {
    let mut e = started(plan(&[Some(240)], None, true));
    assert_eq!(tick(&mut e, 230), vec![Effect::Warn { index: 0, remaining: s(10) }]);
    assert_eq!(tick(&mut e, 231), vec![]);
}

#[test]
fn hard_stop_is_sent_once_and_records_the_partial_text() {
    let mut e = started(plan(&[Some(60), Some(60)], None, true));
    assert_eq!(tick(&mut e, 60), vec![Effect::HardStop { index: 0 }]);
    assert_eq!(tick(&mut e, 61), vec![]);
    let fx = e.handle(Event::TimedOut { now: s(61), text: "half an ans".into() });
    let o = recorded(&fx)[0];
    assert!(o.timed_out);
    assert_eq!(o.answer, "half an ans");
    assert_eq!(fx.last(), Some(&Effect::Ask { index: 1, of: 2, budget: Some(s(60)) }));
}

#[test]
fn a_hard_stop_with_nothing_typed_records_an_empty_timed_out_answer() {
    let mut e = started(plan(&[Some(10)], None, true));
    tick(&mut e, 10);
    let fx = e.handle(Event::TimedOut { now: s(10), text: String::new() });
    let o = recorded(&fx)[0];
    assert!(o.timed_out && o.answer.is_empty() && !o.skipped);
    assert!(e.finished());
}

#[test]
fn without_hard_stop_a_late_answer_is_marked_timed_out_after_a_notice() {
    let mut e = started(plan(&[Some(20)], None, false));
    let fx = tick(&mut e, 21);
    assert!(matches!(fx.as_slice(), [Effect::Notice(n)] if n.contains("time is up")));
    assert_eq!(tick(&mut e, 22), vec![]);
    let o = recorded(&answer(&mut e, 40, "late")).first().copied().cloned().unwrap();
    assert!(o.timed_out);
    assert_eq!(o.answer, "late");
}

#[test]
fn total_time_up_stops_the_current_question_and_finishes() {
    let mut e = started(plan(&[Some(100), Some(100), Some(100)], Some(150), true));
    answer(&mut e, 90, "one");
    assert!(tick(&mut e, 150).contains(&Effect::HardStop { index: 1 }));
    let fx = e.handle(Event::TimedOut { now: s(150), text: "two, cut".into() });
    assert_eq!(recorded(&fx)[0].answer, "two, cut");
    assert_eq!(fx.last(), Some(&Effect::Finish(FinishReason::TotalTimeUp)));
    assert!(e.finished());
}

#[test]
fn the_interview_total_warns_when_a_minute_is_left() {
    let mut e = started(plan(&[Some(600)], Some(300), true));
    assert_eq!(tick(&mut e, 240), vec![Effect::Warn { index: 0, remaining: s(60) }]);
    assert_eq!(tick(&mut e, 241), vec![]);
}

#[test]
fn pause_stops_the_clock_and_resume_moves_deadlines() {
    let mut e = started(plan(&[Some(100)], Some(100), true));
    assert_eq!(cmd(&mut e, 10, Command::Pause), vec![Effect::Paused]);
    assert!(e.is_paused());
    assert_eq!(tick(&mut e, 500), vec![], "no hard stop while paused");
    assert_eq!(e.time_left(s(500)), (Some(s(90)), Some(s(90))));
    assert!(matches!(answer(&mut e, 500, "x").as_slice(), [Effect::Notice(n)] if n.contains("paused")));
    assert!(matches!(cmd(&mut e, 500, Command::Pause).as_slice(), [Effect::Notice(n)] if n.contains("already paused")));
    assert_eq!(cmd(&mut e, 510, Command::Resume), vec![Effect::Resumed]);
    assert_eq!(e.time_left(s(510)), (Some(s(90)), Some(s(90))));
    assert_eq!(tick(&mut e, 599), vec![Effect::Warn { index: 0, remaining: s(1) }]);
    let o = recorded(&answer(&mut e, 520, "done")).first().copied().cloned().unwrap();
    assert_eq!(o.seconds, 20.0, "paused time excluded");
    assert!(!o.timed_out);
}

#[test]
fn resume_without_pause_is_a_notice() {
    let mut e = started(plan(&[None], None, true));
    assert!(matches!(cmd(&mut e, 1, Command::Resume).as_slice(), [Effect::Notice(n)] if n == "not paused"));
}

#[test]
fn time_help_quit_and_input_closed() {
    let mut e = started(plan(&[Some(100)], Some(400), true));
    assert_eq!(cmd(&mut e, 40, Command::Time), vec![Effect::ShowTime { question: Some(s(60)), total: Some(s(360)) }]);
    assert_eq!(cmd(&mut e, 40, Command::Help), vec![Effect::ShowHelp]);
    assert_eq!(cmd(&mut e, 41, Command::Quit), vec![Effect::Finish(FinishReason::Quit)]);
    let mut e = started(plan(&[None], None, true));
    assert_eq!(e.handle(Event::InputClosed { now: s(3) }), vec![Effect::Finish(FinishReason::InputClosed)]);
}

#[test]
fn an_untimed_plan_never_warns_or_stops() {
    let mut e = started(plan(&[None], None, true));
    for t in [10, 1000, 100_000] {
        assert_eq!(tick(&mut e, t), vec![]);
    }
    assert_eq!(cmd(&mut e, 5, Command::Time), vec![Effect::ShowTime { question: None, total: None }]);
}

#[test]
fn a_resumed_plan_starts_later_and_counts_used_time() {
    let mut p = plan(&[Some(100), Some(100), Some(100)], Some(300), true);
    p.start_at = 2;
    p.already_used = s(250);
    let mut e = Engine::new(p);
    assert_eq!(e.handle(Event::Start { now: s(0) }), vec![Effect::Ask { index: 2, of: 3, budget: Some(s(100)) }]);
    assert_eq!(e.time_left(s(0)), (Some(s(100)), Some(s(50))));
    assert!(tick(&mut e, 50).contains(&Effect::HardStop { index: 2 }));
}

#[test]
fn events_after_the_finish_do_nothing() {
    let mut e = started(plan(&[None], None, true));
    cmd(&mut e, 1, Command::Quit);
    assert_eq!(answer(&mut e, 2, "x"), vec![]);
    assert_eq!(tick(&mut e, 3), vec![]);
    assert_eq!(cmd(&mut e, 4, Command::Skip), vec![]);
    assert!(e.finished());
}

#[test]
fn a_stray_timed_out_without_a_hard_stop_and_no_text_is_ignored() {
    let mut e = started(plan(&[Some(100)], None, true));
    assert_eq!(e.handle(Event::TimedOut { now: s(5), text: String::new() }), vec![]);
    assert_eq!(e.current(), Some(0));
}

fn with_followups(n: usize) -> Engine {
    let mut p = plan(&[Some(240), Some(240)], Some(600), true);
    p.followups = n;
    p.followup_budget = Some(s(90));
    started(p)
}

#[test]
fn an_answer_that_missed_points_gets_a_follow_up_with_its_own_budget() {
    let mut e = with_followups(1);
    let fx = answer(&mut e, 30, "partial");
    assert_eq!(fx.last(), Some(&Effect::NeedGrade { index: 0 }));
    assert_eq!(tick(&mut e, 31), vec![], "the clock waits for the grade");
    assert_eq!(
        e.handle(Event::Graded { now: s(31), missed: 2 }),
        vec![Effect::AskFollowUp { index: 0, number: 1, budget: Some(s(90)) }]
    );
    assert_eq!(e.time_left(s(31)).0, Some(s(90)));
    let fx = answer(&mut e, 50, "deeper");
    assert_eq!(recorded(&fx)[0].followup, Some(1));
    assert_eq!(recorded(&fx)[0].seconds, 19.0);
    // The cap (1) is reached: the next main question comes whatever the grade.
    assert_eq!(
        e.handle(Event::Graded { now: s(51), missed: 1 }),
        vec![Effect::Ask { index: 1, of: 2, budget: Some(s(240)) }]
    );
}

#[test]
fn a_complete_answer_or_no_time_left_gets_no_follow_up() {
    let mut e = with_followups(3);
    answer(&mut e, 30, "complete");
    assert_eq!(
        e.handle(Event::Graded { now: s(30), missed: 0 }),
        vec![Effect::Ask { index: 1, of: 2, budget: Some(s(240)) }]
    );
    answer(&mut e, 560, "late in the interview");
    // 40 s left in the interview, a follow-up needs 90.
    assert_eq!(e.handle(Event::Graded { now: s(560), missed: 3 }), vec![Effect::Finish(FinishReason::Completed)]);
}

#[test]
fn follow_ups_stop_at_the_cap_and_obey_the_hard_stop() {
    let mut p = plan(&[None], None, true);
    p.followups = 9; // more than the hard cap of 3
    p.followup_budget = Some(s(60));
    let mut e = started(p);
    answer(&mut e, 1, "a");
    let mut asked = 0;
    loop {
        let fx = e.handle(Event::Graded { now: s(2), missed: 1 });
        match fx.as_slice() {
            [Effect::AskFollowUp { number, .. }] => {
                asked += 1;
                assert_eq!(*number, asked);
                // The follow-up's own deadline hard-stops it.
                assert_eq!(tick(&mut e, 2 + 60), vec![Effect::HardStop { index: 0 }]);
                let fx = e.handle(Event::TimedOut { now: s(62), text: "cut".into() });
                assert!(recorded(&fx)[0].timed_out);
            }
            [Effect::Finish(FinishReason::Completed)] => break,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(asked, MAX_FOLLOWUPS);
}

#[test]
fn a_skipped_question_gets_no_follow_up() {
    let mut e = with_followups(1);
    assert_eq!(cmd(&mut e, 5, Command::Skip).last(), Some(&Effect::Ask { index: 1, of: 2, budget: Some(s(240)) }));
}

#[test]
fn quitting_with_a_draft_records_it_before_the_end() {
    let mut e = started(plan(&[Some(100), Some(100)], None, true));
    let effects = e.handle(Event::QuitWith { now: s(30), draft: "half an answer".into() });
    assert!(
        matches!(&effects[0], Effect::Record(o) if o.answer == "half an answer" && o.seconds == 30.0 && !o.skipped)
    );
    assert_eq!(effects.last(), Some(&Effect::Finish(FinishReason::Quit)));
    assert_eq!(effects.len(), 2, "no follow-up, no next question: {effects:?}");
    let mut e = started(plan(&[Some(100)], None, true));
    assert_eq!(e.handle(Event::QuitWith { now: s(3), draft: "  ".into() }), vec![Effect::Finish(FinishReason::Quit)]);
}

#[test]
fn time_spent_on_the_current_question_excludes_pauses() {
    let mut e = started(plan(&[Some(100)], None, true));
    cmd(&mut e, 10, Command::Pause);
    cmd(&mut e, 40, Command::Resume);
    assert_eq!(e.spent_on_current(s(50)), Some((0, s(20))));
    cmd(&mut e, 60, Command::Pause);
    assert_eq!(e.spent_on_current(s(500)), Some((0, s(30))), "a pause still running does not count");
}

#[test]
fn a_one_minute_follow_up_does_not_open_with_a_one_minute_warning() {
    let mut p = plan(&[Some(240), Some(240)], None, true);
    p.followups = 1;
    p.followup_budget = Some(s(60));
    let mut e = started(p);
    answer(&mut e, 10, "an answer");
    assert_eq!(
        e.handle(Event::Graded { now: s(10), missed: 2 }),
        vec![Effect::AskFollowUp { index: 0, number: 1, budget: Some(s(60)) }]
    );
    assert_eq!(tick(&mut e, 11), vec![], "no warning the moment the follow-up opens");
    assert!(matches!(tick(&mut e, 56).as_slice(), [Effect::Warn { .. }]), "the 15 s warning still comes");
}

#[test]
fn the_follow_up_due_is_known_before_the_grade_is_given_and_the_total_time_ends_a_wait() {
    let mut p = plan(&[Some(240), Some(240)], Some(600), true);
    p.followups = 1;
    p.followup_budget = Some(s(120));
    let mut e = started(p);
    assert_eq!(e.followup_due(s(10), 2), None, "not while a question is asked");
    assert!(answer(&mut e, 10, "an answer").contains(&Effect::NeedGrade { index: 0 }));
    assert!(e.awaiting_grade());
    assert_eq!(e.followup_due(s(20), 2), Some(1));
    assert_eq!(e.followup_due(s(20), 0), None, "nothing missed");
    assert_eq!(e.followup_due(s(500), 2), None, "no time left for one");
    assert!(tick(&mut e, 300).is_empty(), "waiting for the grade");
    assert_eq!(tick(&mut e, 600), vec![Effect::Finish(FinishReason::TotalTimeUp)]);
}
