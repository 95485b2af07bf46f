from tests.conftest import sign_in


async def test_student_signs_in_and_sees_dashboard(client, make_user):
    user = await make_user("student")
    response = await sign_in(client, user.email)
    assert response.status_code == 303
    page = await client.get("/student")
    assert page.status_code == 200
    assert "hours this school year" in page.text
