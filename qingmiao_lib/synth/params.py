"""The demo county's behavioural parameters.

These describe how people behave (rates, propensities, noise), never the results: the headline
figures are computed afterwards by the library's own queries from the records simulated here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Params:
    persons: int = 2000            # target active headcount at the start; grows by `growth` a year
    start_year: int = 2012
    end_year: int = 2025
    warmup_years: int = 3          # annual grades simulated for the stock before start_year
    growth: float = 0.003
    persons_per_unit: float = 20.0
    township_unit_share: float = 0.16

    # people
    female_share_old: float = 0.30
    female_share_young: float = 0.48
    # retirement ages and dates follow the rules' [retirement] (Rules.retirement_date); before this
    # year (the 2024 decision in force) the county retired people on the first of the next month
    statutory_retirement_from: int = 2025
    quit_rate_young: float = 0.012     # resignations and transfers out, per year
    quit_rate_old: float = 0.005
    transfer_in_share: float = 0.10    # 遴选/调任/军转 among new entrants

    # assessment: score = latent + noise; the noise is larger early in a career
    latent_persistence: float = 0.93   # AR(1) of the latent performance from year to year
    noise_sd_young: float = 1.3
    noise_sd_old: float = 0.75
    senior_bonus: float = 0.2
    rotation_penalty: float = 0.8
    excellent_rate_lo: float = 0.127
    excellent_rate_hi: float = 0.195
    over_cap_unit_share: float = 0.04  # units that grade above the cap (approved 25% or not)
    basic_rate: float = 0.008          # 基本称职
    incompetent_rate: float = 0.001    # 不称职
    quarterly_from: int = 2020         # the "1+N" 平时考核 system

    # rank promotion: two rounds a year fill this share of the quota headroom
    quota_slack: float = -0.15
    quota_fill: float = 0.395
    stock_pace_years: float = 5.5      # years per step in the stock's past careers

    # leadership
    young_leader_bonus: float = 0.9
    step_down_age: int = 52
    step_down_rate: float = 0.045     # older leaders stepping down with a rank promotion per year
    lateral_move_rate: float = 0.03

    # pools
    young_pool_from: int = 2019
    young_pool_latent_cut: float = -0.75
    two_type_pool_from: int = 2020
    two_type_pool_share: float = 0.22  # capacity as a share of headcount
    two_type_seniority_weight: float = 0.5

    # training and activities
    class_courses_per_year: float = 0.68   # 在职培训 classes (脱产) per person-year
    specialised_rate: float = 0.12
    initial_training_compliance: float = 0.96
    appointment_training_compliance: float = 0.9
    practice_rate_young: float = 0.036
    practice_rate_old: float = 0.008
    special_task_rate: float = 0.12
    lecture_from: int = 2021
    mentor_from: int = 2019
    merit_recording_rate: float = 0.9
