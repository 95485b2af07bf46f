"""Words the district's made-up people, schools and organizations are named from."""

from __future__ import annotations

import random

FIRST = (
    "Aaliyah Aiden Amara Andre Ava Blake Bryce Caleb Camila Carlos Chloe Dante Destiny Diego Elena Elijah Emma Ethan "
    "Gabriel Grace Hana Hector Imani Isaac Isabel Jada Jamal Jasmine Javier Jordan Kai Kayla Khalil Lena Leo Liam "
    "Lucia Malik Maya Mateo Mia Nadia Nathan Nia Noah Olivia Omar Priya Quinn Rafael Riley Rosa Ryan Samir Sara "
    "Sofia Tariq Tessa Tyler Uma Victor Wen Xavier Yara Yusuf Zoe"
).split()
LAST = (
    "Adams Ahmed Alvarez Baker Bennett Brooks Carter Chen Clark Cruz Davis Diaz Edwards Evans Flores Foster Garcia "
    "Gomez Green Hall Harris Hernandez Hughes Jackson James Johnson Kim King Lee Lewis Lopez Martin Martinez Mitchell "
    "Moore Morgan Murphy Nguyen Ortiz Parker Patel Perez Phillips Ramirez Reed Reyes Rivera Roberts Robinson Rodriguez "
    "Ross Sanchez Scott Shah Singh Smith Stewart Taylor Thomas Thompson Torres Turner Walker Ward Washington White "
    "Williams Wilson Wright Young"
).split()
SCHOOLS = (
    "Riverside Career Center", "Northgate High School", "Eastview Technical High School", "Lakeshore High School",
    "Westbrook Academy", "Hillcrest High School", "Southfield Career Academy", "Pine Valley High School",
)
PLACES = (
    "Riverside Tri-County Harbor Summit Valley Lakeshore Northgate Eastview Westbrook Hillcrest Southfield Pine Maple "
    "Cedar Granite Iron Prairie Bay Metro Union Liberty Pioneer Frontier Keystone Heritage Crescent Oak Willow Beacon"
).split()
TRADES = (
    "Manufacturing Health Builders Electric Logistics Auto Group Credit Union Robotics Labs Construction Medical Center "
    "Dental Energy Foods Hotel Group Design Studio Engineering Plumbing Welding Aerospace Software Bank Insurance "
    "Veterinary Clinic Farms Print Works Media Marine Transit"
).split()
ORG_SUFFIX = ("", " Inc.", " LLC", " Co.", " Association", " Partners", " Services", " Cooperative")
TITLES = ("Plant manager", "HR generalist", "Volunteer coordinator", "Training lead", "Shift supervisor",
          "Owner", "Workforce director", "Recruiter", "Operations manager", "Community relations")
PROGRAMS = ("Welding Technology", "Health Science: CNA", "Automotive Technology", "Cybersecurity", "Culinary Arts",
            "Construction Trades", "Early Childhood Education", "Engineering Design")
ENTRY_TITLES = {
    "guest_lecture": "Guest lecture: careers in {trade}", "site_visit": "Tour of the {trade} floor",
    "job_shadow": "Shadowed a {trade} technician", "internship": "{trade} internship week",
    "apprenticeship": "Pre-apprenticeship day in {trade}", "career_fair": "Career fair: {trade} booth",
    "mock_interview": "Mock interview for a {trade} role", "industry_project": "Class project for a {trade} client",
    "volunteer": "Volunteered with a {trade} crew", "other": "Workshop on {trade}",
}
REFLECTIONS = (
    "Learned what a normal day looks like and which certifications they ask for.",
    "Asked about apprenticeships; they hire two students every summer.",
    "Practised the safety checklist with the crew before starting.",
    "Saw how the team plans a job from the drawing to the finished part.",
    "",
)


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def organizations(rng: random.Random, count: int) -> list[str]:
    """`count` different organization names (up to a few thousand)."""
    every = [f"{place} {trade}{suffix}" for place in PLACES for trade in TRADES for suffix in ORG_SUFFIX]
    return rng.sample(every, count)
